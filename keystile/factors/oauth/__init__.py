"""OAuth social login: each project's clients at the providers Stytch offers (`configuration`), the
provider table as data (`providers`)."""
