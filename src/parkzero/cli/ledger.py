"""``parkzero ledger`` — the tamper-evident log: append, checkpoint, prove, verify, witness.

The log lives in the store (``PARKZERO_DATABASE_URL``); ``--log`` names it by its checkpoint
origin (default ``PARKZERO_LEDGER_ORIGIN``, else ``parkzero.local/ledger``). Commands that sign
take the log's private key file with ``--key`` (or ``PARKZERO_LEDGER_KEY``); there is no default
key. ``verify`` needs only the receipt and the log's public key, no database.

Exit codes: 0 success (``verify``: the receipt is valid), 1 a proof or signature that does not
verify (``verify``: invalid receipt), 2 bad input.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError, InputError

__all__ = ["app"]

DEFAULT_LOG = "parkzero.local/ledger"

app = typer.Typer(
    help="Tamper-evident ledger: RFC 9162 Merkle log, signed checkpoints, receipts, witnesses.",
    no_args_is_help=True,
)

LogOption = Annotated[
    str,
    typer.Option("--log", envvar="PARKZERO_LEDGER_ORIGIN", help="The log (its checkpoint origin)."),
]
KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        envvar="PARKZERO_LEDGER_KEY",
        help="The log's private key file (0600).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _signer(key: Path | None, what: str) -> Any:
    from parkzero.ledger.note import load_signer

    if key is None:
        raise ConfigError(
            f"{what} needs the log's private key: pass --key FILE or set PARKZERO_LEDGER_KEY"
        )
    return load_signer(key)


def _session() -> Any:
    from parkzero.store.session import database_url, session_scope

    return session_scope(database_url())


@app.command("keygen")
@handle_errors
def keygen_command(
    name: Annotated[
        str, typer.Argument(help="Key name: the log's origin, a witness or a party id.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Private key file to create (0600); .pub beside it.")
    ],
    witness: Annotated[
        bool, typer.Option("--witness", help="A witness cosigner key (tlog-cosignature/v1).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a new Ed25519 key pair: private key file with mode 0600, public key in FILE.pub."""
    from parkzero.ledger.note import ALG_COSIGNATURE_V1, ALG_ED25519, generate_key, write_key_files

    skey, vkey = generate_key(name, ALG_COSIGNATURE_V1 if witness else ALG_ED25519)
    private, public = write_key_files(skey, vkey, out)
    if as_json:
        print_json(
            {
                "name": name,
                "private_key_file": str(private),
                "public_key_file": str(public),
                "vkey": vkey,
            }
        )
        return
    console.print(
        f"Private key: {private} (mode 0600, keep it secret)\nPublic key:  {public}\n{vkey}"
    )


@app.command("append")
@handle_errors
def append_command(
    file: Annotated[
        Path, typer.Argument(help="A document to log; a signed e-POD is checked first.")
    ],
    log: LogOption = DEFAULT_LOG,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Entry kind (default: epod or document).")
    ] = None,
    key: KeyOption = None,
    receipt: Annotated[
        Path | None,
        typer.Option("--receipt", help="Also sign a checkpoint and write a receipt here."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Append a file to the log; print its index and leaf hash."""
    from parkzero.ledger import store as ledger
    from parkzero.ledger.epod import log_epod
    from parkzero.ledger.merkle import leaf_hash
    from parkzero.ledger.receipt import make_receipt
    from parkzero.store.session import require_current

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc}", source=str(file)) from exc
    is_epod = (
        data.startswith(b'{"')
        and b'"type":"epod/v1"' in data.split(b"\n", 1)[0]
        and b"\n\n\xe2\x80\x94 " in data
    )
    signer = (
        _signer(key, "--receipt")
        if receipt is not None
        else (None if key is None else _signer(key, ""))
    )
    out: dict[str, Any] = {"log": log, "file": str(file)}
    with _session() as session:
        require_current(session)
        if is_epod and kind in (None, "epod"):
            index, epod = log_epod(session, log, data.decode("utf-8"))
            out.update(kind="epod", epod=epod.id, carrier=epod.carrier, receiver=epod.receiver)
        else:
            index = ledger.append(session, log, [data], kind or "document").first
            out["kind"] = kind or "document"
        head = ledger.get_head(session, log)
        out.update(
            index=index, leaf_hash=leaf_hash(data).hex(), size=head.size, root=_b64(head.root)
        )
        if signer is not None:
            cp = ledger.sign_head(session, log, signer)
            out["checkpoint_size"] = cp.size
            if receipt is not None:
                doc = make_receipt(session, log, index, size=cp.size, log_key=signer.verifier)
                receipt.write_text(
                    json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                )
                out["receipt"] = str(receipt)
    if as_json:
        print_json(out)
        return
    console.print(
        f"Appended {file} to {log} as entry {index} ({out['kind']}); log size {out['size']:,}."
    )
    console.print(f"leaf hash {out['leaf_hash']}")
    if "receipt" in out:
        console.print(
            f"Receipt written to {receipt} (checkpoint of size {out['checkpoint_size']:,})."
        )


@app.command("checkpoint")
@handle_errors
def checkpoint_command(
    log: LogOption = DEFAULT_LOG, key: KeyOption = None, as_json: JsonOption = False
) -> None:
    """Sign the log's current size and root (C2SP checkpoint) and store it."""
    from parkzero.ledger import store as ledger
    from parkzero.store.session import require_current

    signer = _signer(key, "checkpoint")
    with _session() as session:
        require_current(session)
        ledger.get_head(session, log)
        cp = ledger.sign_head(session, log, signer)
    if as_json:
        print_json(
            {"log": log, "id": cp.id, "size": cp.size, "root": _b64(cp.root), "checkpoint": cp.note}
        )
        return
    console.print(cp.note, end="", highlight=False, markup=False)


@app.command("prove")
@handle_errors
def prove_command(
    index: Annotated[int, typer.Option("--index", help="Entry index, from 0.")],
    size: Annotated[
        int | None,
        typer.Option(
            "--size", help="Tree size (default: the newest checkpoint's, else the log's)."
        ),
    ] = None,
    log: LogOption = DEFAULT_LOG,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the receipt (entry + proof + checkpoint) here."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Inclusion proof of an entry; with --out, a receipt that verifies offline."""
    from parkzero.ledger import store as ledger
    from parkzero.ledger.receipt import make_receipt
    from parkzero.store.session import require_current

    with _session() as session:
        require_current(session)
        head = ledger.get_head(session, log)
        cp = (
            ledger.checkpoint_at(session, log, size)
            if size is not None
            else ledger.latest_checkpoint(session, log, min_size=index + 1)
        )
        n = size if size is not None else (cp.size if cp is not None else head.size)
        proof = ledger.inclusion_proof(session, log, index, n)
        result: dict[str, Any] = {
            "log": log,
            "index": index,
            "tree_size": n,
            "leaf_hash": ledger.leaf_hash_at(session, log, index).hex(),
            "root": _b64(ledger.root_at(session, log, n)),
            "inclusion_proof": [_b64(p) for p in proof],
            "checkpoint": None if cp is None else cp.note,
        }
        if out is not None:
            doc = make_receipt(session, log, index, size=n)
            out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            result["receipt"] = str(out)
    if as_json:
        print_json(result)
        return
    console.print(f"Entry {index} of {log} in the tree of size {n:,} (root {result['root']}):")
    for p in result["inclusion_proof"]:
        console.print(f"  {p}")
    if cp is None:
        console.print(
            "No signed checkpoint of this size: run `parkzero ledger checkpoint` for a receipt."
        )
    if out is not None:
        console.print(f"Receipt written to {out}.")


@app.command("verify")
@handle_errors
def verify_command(
    receipt_file: Annotated[Path, typer.Argument(help="A receipt (JSON).", metavar="RECEIPT.json")],
    key: Annotated[
        str | None, typer.Option("--key", help="The log's public key (file or key string).")
    ] = None,
    witness: Annotated[
        list[str] | None, typer.Option("--witness", help="A witness public key (repeatable).")
    ] = None,
    quorum: Annotated[int, typer.Option("--quorum", help="Witness co-signatures required.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Verify a receipt offline: checkpoint signature, inclusion proof, e-POD signatures.

    Exit 0 when valid, 1 when invalid, 2 when the file is not a receipt.
    """
    from parkzero.errors import ProofError
    from parkzero.ledger.note import load_verifier
    from parkzero.ledger.receipt import verify_receipt

    try:
        receipt = json.loads(receipt_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the receipt: {exc}", source=str(receipt_file)) from exc
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", source=str(receipt_file)) from exc
    log_key = None if key is None else load_verifier(key)
    witnesses = [load_verifier(w) for w in witness or []]
    if quorum > len(witnesses):
        raise ConfigError(
            f"--quorum {quorum} needs at least {quorum} --witness keys", column="quorum"
        )
    try:
        check = verify_receipt(receipt, log_key, witnesses=witnesses, quorum=quorum)
    except InputError as exc:
        raise exc.at(source=str(receipt_file)) from exc
    except ProofError as exc:
        if as_json:
            print_json({"valid": False, "error": str(exc)})
            raise typer.Exit(1) from exc
        raise
    if as_json:
        print_json(check.to_dict())
        return
    pinned = (
        ""
        if check.key_pinned
        else " (checked with the key inside the receipt; pass --key to pin the log's key)"
    )
    console.print(
        f"[bold green]valid[/]: entry {check.index} ({check.kind}) is in {check.origin} at size "
        f"{check.tree_size:,}, {check.witnesses} witness co-signature(s){pinned}"
    )


@app.command("cosign")
@handle_errors
def cosign_command(
    witness_key: Annotated[
        Path, typer.Option("--witness-key", help="The witness's private cosigner key file.")
    ],
    log_key: Annotated[
        str, typer.Option("--log-key", help="The log's public key (file or key string).")
    ],
    state: Annotated[
        Path, typer.Option("--state", help="The witness's state file (last checkpoint seen).")
    ],
    log: LogOption = DEFAULT_LOG,
    as_json: JsonOption = False,
) -> None:
    """As a witness: check the newest checkpoint extends the last one seen, and co-sign it."""
    from parkzero.ledger import store as ledger
    from parkzero.ledger.checkpoint import Witness
    from parkzero.ledger.note import load_signer, load_verifier
    from parkzero.store.session import require_current

    witness = Witness(load_signer(witness_key), state)
    verifier = load_verifier(log_key)
    with _session() as session:
        require_current(session)
        cp = ledger.latest_checkpoint(session, log)
        if cp is None:
            raise InputError(f'log "{log}" has no checkpoint to co-sign', column="log")
        seen = witness.last_seen(log)
        proof = (
            []
            if seen is None or seen.size == 0
            else ledger.consistency_proof(session, log, seen.size, cp.size)
        )
        cosigned = witness.cosign(cp.note, verifier, proof)
        stored = ledger.add_cosignatures(session, cp.id, cosigned, verifier)
    if as_json:
        print_json(
            {
                "log": log,
                "size": stored.size,
                "from_size": None if seen is None else seen.size,
                "checkpoint": stored.note,
            }
        )
        return
    since = "first checkpoint seen" if seen is None else f"consistent with size {seen.size:,}"
    console.print(f"Co-signed {log} at size {stored.size:,} ({since}).")


@app.command("audit")
@handle_errors
def audit_command(
    log: LogOption = DEFAULT_LOG,
    log_key: Annotated[
        str | None, typer.Option("--log-key", help="Also check checkpoint signatures.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute the whole log from its entries; exit 1 if anything does not match."""
    from parkzero.ledger import store as ledger
    from parkzero.ledger.note import load_verifier
    from parkzero.store.session import require_current

    verifier = None if log_key is None else load_verifier(log_key)
    with _session() as session:
        require_current(session)
        report = ledger.audit_log(session, log, verifier)
    if as_json:
        print_json(
            {
                "log": log,
                "ok": report.ok,
                "size": report.size,
                "entries_checked": report.entries_checked,
                "checkpoints_checked": report.checkpoints_checked,
                "problems": list(report.problems),
            }
        )
    else:
        status = "[bold green]consistent[/]" if report.ok else "[bold red]NOT consistent[/]"
        console.print(
            f"{log}: {status} — {report.entries_checked:,} entries, {report.checkpoints_checked:,} checkpoints"
        )
        for p in report.problems[:20]:
            console.print(f"  {p}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command("sign-epod")
@handle_errors
def sign_epod_command(
    file: Annotated[
        Path, typer.Argument(help="An e-POD document (JSON) or a note signed by the other party.")
    ],
    key: Annotated[
        Path, typer.Option("--key", help="Your private key file (carrier or receiver).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed e-POD.")],
) -> None:
    """Sign an e-POD as the carrier or the receiver."""
    from parkzero.ledger.epod import sign_epod
    from parkzero.ledger.note import load_signer

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc}", source=str(file)) from exc
    signer = load_signer(key)
    if "\n\n\u2014 " in text:
        note = sign_epod(text, signer)
    else:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise InputError(f"not JSON: {exc}", source=str(file)) from exc
        note = sign_epod(doc, signer)
    out.write_text(note, encoding="utf-8")
    console.print(f"Signed {file} as {signer.name} → {out}")
