"""A DNS server on loopback (dnslib's), answering for the names it is given: their records, an empty
answer for a name it knows asked for another type, NXDOMAIN for a name it does not know."""

from __future__ import annotations

from typing import Any

from dnslib import QTYPE, RCODE, RR
from dnslib.server import BaseResolver, DNSServer


class _Zone(BaseResolver):  # type: ignore[misc]
    def __init__(self, zone: str) -> None:
        self.records = [(rr.rname, QTYPE[rr.rtype], rr) for rr in RR.fromZone(zone)]

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        qname, qtype = request.q.qname, QTYPE[request.q.qtype]
        known = [(rtype, rr) for name, rtype, rr in self.records if name == qname]
        for rtype, rr in known:
            if rtype == qtype:
                reply.add_answer(rr)
        if not known:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


class LoopbackDns:
    """dnslib's UDP server on 127.0.0.1, on a free port, answering from `zone` (zone-file text)."""

    def __init__(self, zone: str) -> None:
        self._server = DNSServer(_Zone(zone), address="127.0.0.1", port=0)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._server.server.server_address[1]}"

    def start(self) -> LoopbackDns:
        self._server.start_thread()
        return self

    def stop(self) -> None:
        self._server.stop()
