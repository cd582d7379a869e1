"""`/v1/users`: the consumer Users API. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx, RequestContext
from keystile.api.credential_cache import CachedProject
from keystile.api.schemas.ids import (
    BiometricRegistrationId,
    CryptoWalletId,
    EmailId,
    OAuthUserRegistrationId,
    PasswordId,
    PhoneId,
    TotpId,
    UserId,
    WebAuthnRegistrationId,
)
from keystile.api.schemas.users import (
    CreateUserRequest,
    CreateUserResponse,
    DeleteUserResponse,
    ExchangePrimaryFactorRequest,
    GetUserResponse,
    ResultsMetadata,
    SearchUsersRequest,
    SearchUsersResponse,
    UpdateUserRequest,
    UpdateUserResponse,
    UserResponse,
    user_out,
)
from keystile.identity import service
from keystile.identity.service import NewUser, UserChanges
from keystile.identity.views import UserView

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post("", response_model=CreateUserResponse)
async def create_user(body: CreateUserRequest, ctx: Ctx, project: ConsumerProject) -> CreateUserResponse:
    new = body.to_domain(NewUser)
    async with ctx.work() as session:
        view = await service.create_user(session, project.project_id, new, now=ctx.now)
    return CreateUserResponse(
        request_id=ctx.request_id,
        user_id=view.user.user_id,
        email_id=view.emails[0].email_id if view.emails else "",
        status=view.user.status,
        phone_id=view.phones[0].phone_id if view.phones else "",
        user=user_out(view),
    )


@router.post("/search", response_model=SearchUsersResponse)
async def search_users(body: SearchUsersRequest, ctx: Ctx, project: ConsumerProject) -> SearchUsersResponse:
    query = body.query.model_dump() if body.query is not None else None
    async with ctx.work() as session:
        page = await service.search_users(
            session, project.project_id, query=query, cursor=body.cursor, limit=body.limit, now=ctx.now
        )
    return SearchUsersResponse(
        request_id=ctx.request_id,
        results=[user_out(view) for view in page.results],
        results_metadata=ResultsMetadata(total=page.total, next_cursor=page.next_cursor),
    )


def _answer(ctx: RequestContext, view: UserView) -> UserResponse:
    return UserResponse(request_id=ctx.request_id, user_id=view.user.user_id, user=user_out(view))


async def _detach(kind: str, factor_id: str, ctx: RequestContext, project: CachedProject) -> UserResponse:
    async with ctx.work() as session:
        view = await service.detach_factor(session, project.project_id, kind, factor_id, now=ctx.now)
    return _answer(ctx, view)


@router.delete("/emails/{email_id}", response_model=UserResponse)
async def delete_email(email_id: EmailId, ctx: Ctx, project: ConsumerProject) -> UserResponse:
    return await _detach("email", email_id, ctx, project)


@router.delete("/phone_numbers/{phone_id}", response_model=UserResponse)
async def delete_phone_number(phone_id: PhoneId, ctx: Ctx, project: ConsumerProject) -> UserResponse:
    return await _detach("phone_number", phone_id, ctx, project)


@router.delete("/passwords/{password_id}", response_model=UserResponse)
async def delete_password(password_id: PasswordId, ctx: Ctx, project: ConsumerProject) -> UserResponse:
    return await _detach("password", password_id, ctx, project)


@router.delete("/totps/{totp_id}", response_model=UserResponse)
async def delete_totp(totp_id: TotpId, ctx: Ctx, project: ConsumerProject) -> UserResponse:
    return await _detach("totp", totp_id, ctx, project)


@router.delete("/webauthn_registrations/{webauthn_registration_id}", response_model=UserResponse)
async def delete_webauthn_registration(
    webauthn_registration_id: WebAuthnRegistrationId, ctx: Ctx, project: ConsumerProject
) -> UserResponse:
    return await _detach("webauthn_registration", webauthn_registration_id, ctx, project)


@router.delete("/oauth/{oauth_user_registration_id}", response_model=UserResponse)
async def delete_oauth_registration(
    oauth_user_registration_id: OAuthUserRegistrationId, ctx: Ctx, project: ConsumerProject
) -> UserResponse:
    return await _detach("oauth", oauth_user_registration_id, ctx, project)


@router.delete("/crypto_wallets/{crypto_wallet_id}", response_model=UserResponse)
async def delete_crypto_wallet(
    crypto_wallet_id: CryptoWalletId, ctx: Ctx, project: ConsumerProject
) -> UserResponse:
    return await _detach("crypto_wallet", crypto_wallet_id, ctx, project)


@router.delete("/biometric_registrations/{biometric_registration_id}", response_model=UserResponse)
async def delete_biometric_registration(
    biometric_registration_id: BiometricRegistrationId, ctx: Ctx, project: ConsumerProject
) -> UserResponse:
    return await _detach("biometric_registration", biometric_registration_id, ctx, project)


@router.put("/{user_id}/exchange_primary_factor", response_model=UserResponse)
async def exchange_primary_factor(
    user_id: UserId, body: ExchangePrimaryFactorRequest, ctx: Ctx, project: ConsumerProject
) -> UserResponse:
    async with ctx.work() as session:
        view = await service.exchange_primary_factor(
            session,
            project.project_id,
            user_id,
            email=body.email_address,
            phone_number=body.phone_number,
            now=ctx.now,
        )
    return _answer(ctx, view)


@router.delete("/{user_id}/external_id", response_model=UserResponse)
async def delete_external_id(user_id: UserId, ctx: Ctx, project: ConsumerProject) -> UserResponse:
    async with ctx.work() as session:
        view = await service.delete_external_id(session, project.project_id, user_id, now=ctx.now)
    return _answer(ctx, view)


@router.get("/{user_id}", response_model=GetUserResponse)
async def get_user(user_id: UserId, ctx: Ctx, project: ConsumerProject) -> GetUserResponse:
    async with ctx.work() as session:
        view = await service.get_user(session, project.project_id, user_id, now=ctx.now)
    return GetUserResponse(request_id=ctx.request_id, **user_out(view).model_dump())


@router.put("/{user_id}", response_model=UpdateUserResponse)
async def update_user(
    user_id: UserId, body: UpdateUserRequest, ctx: Ctx, project: ConsumerProject
) -> UpdateUserResponse:
    changes = body.to_domain(UserChanges)
    async with ctx.work() as session:
        view = await service.update_user(session, project.project_id, user_id, changes, now=ctx.now)
    user = user_out(view)
    return UpdateUserResponse(
        request_id=ctx.request_id,
        user_id=user.user_id,
        emails=user.emails,
        phone_numbers=user.phone_numbers,
        crypto_wallets=user.crypto_wallets,
        user=user,
    )


@router.delete("/{user_id}", response_model=DeleteUserResponse)
async def delete_user(user_id: UserId, ctx: Ctx, project: ConsumerProject) -> DeleteUserResponse:
    async with ctx.work() as session:
        deleted = await service.delete_user(session, project.project_id, user_id)
    return DeleteUserResponse(request_id=ctx.request_id, user_id=deleted)
