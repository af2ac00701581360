#!/usr/bin/env python3
"""Checks tests/vectors/x25519-xchacha-golden.json against an independent
implementation of the x25519-xchacha spec in docs/variants.md, written from
the spec (not from the C++): Python 'cryptography' for X25519, Ed25519,
HKDF-SHA256, HMAC-SHA256 and the IETF ChaCha20-Poly1305 AEAD, with
HChaCha20 (draft-irtf-cfrg-xchacha §2.2) written out to get XChaCha.

    python3 tests/variants/x25519_xchacha/golden_check.py tests/vectors/x25519-xchacha-golden.json

The test suite runs it (golden_check_test: Debian's python3-cryptography,
installed by ./bazelw), together with altered copies of the file, each of
which it must refuse.
"""
import hashlib
import hmac
import json
import struct
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def hchacha20(key, nonce16):
    """draft-irtf-cfrg-xchacha §2.2: the ChaCha20 block function without the
    final addition, words 0..3 and 12..15 of the state."""
    s = list(struct.unpack("<4I", b"expand 32-byte k")) + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))

    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha_seal(key, nonce24, ad, plaintext):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).encrypt(b"\0\0\0\0" + nonce24[16:], plaintext, ad)


def xchacha_open(key, nonce24, ad, sealed):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).decrypt(b"\0\0\0\0" + nonce24[16:], sealed, ad)


# The draft's A.3.1 vector first, so the helper itself is known good.
_k = bytes(range(0x80, 0xA0))
_n = bytes(range(0x40, 0x58))
_sealed = xchacha_seal(_k, _n, bytes.fromhex("50515253c0c1c2c3c4c5c6c7"),
                       b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
assert _sealed[-16:].hex() == "c0875924c1c7987947deafd8780acf49", "HChaCha20 helper is wrong"


def sha256(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def hkdf(ikm, salt, info, n):
    return HKDF(algorithm=hashes.SHA256(), length=n, salt=salt, info=info).derive(ikm)


def x25519_pub(priv):
    return x25519.X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519_dh(priv, pub):
    return x25519.X25519PrivateKey.from_private_bytes(priv).exchange(x25519.X25519PublicKey.from_public_bytes(pub))


def ed_sign(seed, msg):
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).sign(msg)


def ed_pub(seed):
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def handshake(v, label, psk):
    i, r = v["inputs"]["initiator"], v["inputs"]["responder"]
    b = bytes.fromhex
    assert ed_pub(b(i["identity_seed"])).hex() == i["identity_public"]
    assert ed_pub(b(r["identity_seed"])).hex() == r["identity_public"]
    assert x25519_pub(b(i["ephemeral_private"])).hex() == i["ephemeral_public"]
    assert x25519_pub(b(r["ephemeral_private"])).hex() == r["ephemeral_public"]
    h = sha256(label)
    hello = b"\x01" + b(i["session_id"]) + b(i["ephemeral_public"]) + b(i["identity_public"])
    h = sha256(h, hello)
    reply_head = b"\x02" + b(r["session_id"]) + b(r["ephemeral_public"]) + b(r["identity_public"])
    h = sha256(h, reply_head)
    ss = x25519_dh(b(i["ephemeral_private"]), b(r["ephemeral_public"]))
    assert ss == x25519_dh(b(r["ephemeral_private"]), b(i["ephemeral_public"]))
    okm = hkdf(ss + (psk or b""), h, label + b" keys", 160)
    kcr, kci, ki, kr, chain = okm[0:32], okm[32:64], okm[64:96], okm[96:128], okm[128:160]
    sig_r = ed_sign(b(r["identity_seed"]), label + b" responder signature" + h)
    h = sha256(h, sig_r)
    confirm_r = hmac.new(kcr, b"confirm" + h, hashlib.sha256).digest()
    h = sha256(h, confirm_r)
    reply = reply_head + sig_r + confirm_r
    sig_i = ed_sign(b(i["identity_seed"]), label + b" initiator signature" + h)
    h = sha256(h, sig_i)
    confirm_i = hmac.new(kci, b"confirm" + h, hashlib.sha256).digest()
    h = sha256(h, confirm_i)
    proof = b"\x03" + sig_i + confirm_i
    fin = hmac.new(kcr, b"finished" + h, hashlib.sha256).digest()
    h = sha256(h, fin)
    finished = b"\x04" + fin
    return {"hello": hello.hex(), "reply": reply.hex(), "proof": proof.hex(), "finished": finished.hex(),
            "transcript_hash": h.hex(), "initiator_key": ki.hex(), "responder_key": kr.hex(), "chaining_key": chain.hex()}


def packet(key, sid, epoch, packet_id, messages, length_size):
    body = b"".join(struct.pack("<II", m["channel"], len(bytes.fromhex(m["payload"]))) + bytes.fromhex(m["payload"])
                    for m in messages)
    header = bytes([0x10, epoch & 0xFF]) + len(body).to_bytes(length_size, "little") + struct.pack("<Q", packet_id)
    nonce = sid + struct.pack("<Q", packet_id)
    return header + xchacha_seal(key, nonce, header, body)


def main(path):
    v = json.load(open(path))
    label = v["protocol_label"].encode()
    for name, psk in (("handshake", None), ("handshake_with_psk", bytes.fromhex(v["inputs"]["psk"]))):
        mine = handshake(v, label, psk)
        for k, want in mine.items():
            assert v[name][k] == want, f"{name}.{k}: file {v[name][k]} != spec {want}"
    hs = v["handshake"]
    sid = {"initiator": bytes.fromhex(v["inputs"]["initiator"]["session_id"]),
           "responder": bytes.fromhex(v["inputs"]["responder"]["session_id"])}
    keys0 = {"initiator": bytes.fromhex(hs["initiator_key"]), "responder": bytes.fromhex(hs["responder_key"])}
    for p in v["stream_packets"]:
        want = packet(keys0[p["from"]], sid[p["from"]], p["epoch"], p["packet_id"], p["messages"], 4)
        assert p["wire"] == want.hex(), f"stream packet {p['packet_id']} from {p['from']}"
    for p in v["datagram_packets"]:
        want = packet(keys0[p["from"]], sid[p["from"]], p["epoch"], p["packet_id"], p["messages"], 2)
        assert p["wire"] == want.hex(), f"datagram packet {p['packet_id']} from {p['from']}"
    # The rekey: epoch 1's keys from the rekey ephemerals and epoch 0's chain.
    i, r = v["inputs"]["initiator"], v["inputs"]["responder"]
    a_pub, b_pub = bytes.fromhex(i["rekey_public"]), bytes.fromhex(r["rekey_public"])
    assert x25519_pub(bytes.fromhex(i["rekey_private"])) == a_pub
    assert x25519_pub(bytes.fromhex(r["rekey_private"])) == b_pub
    ss = x25519_dh(bytes.fromhex(i["rekey_private"]), b_pub)
    assert ss == x25519_dh(bytes.fromhex(r["rekey_private"]), a_pub)
    okm = hkdf(ss, bytes.fromhex(hs["chaining_key"]), label + b" rekey" + struct.pack("<I", 1) + a_pub + b_pub, 96)
    rk = v["rekey"]
    assert rk["chaining_key"] == okm[0:32].hex() and rk["initiator_key"] == okm[32:64].hex() and rk["responder_key"] == okm[64:96].hex()
    keys1 = {"initiator": okm[32:64], "responder": okm[64:96]}
    control = {"rekey": (0xFFFFFF10, struct.pack("<I", 1) + a_pub, 0),
               "rekey_ack": (0xFFFFFF11, struct.pack("<I", 1) + b_pub, 0),
               "rekey_done": (0xFFFFFF12, struct.pack("<I", 1), 1)}
    for m in rk["messages"]:
        ch, payload, epoch = control[m["message"]]
        key = (keys1 if epoch == 1 else keys0)[m["from"]]
        want = packet(key, sid[m["from"]], epoch, m["packet_id"], [{"channel": ch, "payload": payload.hex()}], 4)
        assert m["wire"] == want.hex(), f"rekey message {m['message']} from {m['from']}"
    for p in v["stream_packets_after_rekey"]:
        assert p["epoch"] == 1
        want = packet(keys1[p["from"]], sid[p["from"]], 1, p["packet_id"], p["messages"], 4)
        assert p["wire"] == want.hex(), f"stream packet after rekey {p['packet_id']} from {p['from']}"
    print("golden transcript matches the spec:", path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/vectors/x25519-xchacha-golden.json")
