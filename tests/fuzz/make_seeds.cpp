// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/)
// from the test vectors and from frames sealed with the harness's fixed
// secrets. Run once when a harness changes:
//   bazel run //tests/fuzz:make_seeds -- $PWD/tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/snappy.hpp"
#include "rlpx/handshake.hpp"
#include "tests/fuzz/rlpx_harness.hpp"
#include "tests/fuzz/sha256_per_side_harness.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/vectors.hpp"

using namespace polywire;
namespace fs = std::filesystem;

static fs::path root;

static void put(const std::string& target, const std::string& name, byte_view data) {
    fs::create_directories(root / target);
    std::ofstream(root / target / name, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                                                  static_cast<std::streamsize>(data.size()));
}
static void put(const std::string& target, const std::string& name, std::string_view text) { put(target, name, as_bytes(text)); }

static bytes snappy(byte_view in) {
    bytes out(crypto::snappy::max_compressed_length(in.size()));
    out.resize(crypto::snappy::compress(in, out));
    return out;
}

static bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

static void length_record(bytes& out, byte_view data) {
    out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
}

static void record(bytes& out, std::uint8_t code, byte_view payload) {
    out.push_back(code);
    out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(payload.size()));
    out.insert(out.end(), payload.begin(), payload.end());
}

int main(int argc, char** argv) {
    if (argc != 2) return std::fprintf(stderr, "usage: make_seeds CORPUS_DIR\n"), 2;
    root = argv[1];
    const auto v = test::load_vectors("rlpx-vectors.json");
    for (const auto& [k, p] : v["handshake"]["official"]["auth"].items()) put("rlpx_auth_fuzz", k, test::h(p["hex"].get<std::string>()));
    for (const auto& [k, p] : v["handshake"]["official"]["ack"].items()) put("rlpx_ack_fuzz", k, test::h(p["hex"].get<std::string>()));

    // Valid handshakes addressed to the harness keys, EIP-8 and legacy.
    for (bool legacy : {false, true}) {
        rlpx::handshake::options io;
        io.static_key = fuzz::peer_key();
        io.remote_id = crypto::secp256k1::derive_public_key(fuzz::local_key()).value();
        io.legacy_auth = legacy;
        rlpx::handshake init(policies::handshake_role::initiator, io);
        bytes auth;
        (void)init.start(auth);
        put("rlpx_auth_fuzz", legacy ? "valid_legacy" : "valid_eip8", auth);
        rlpx::handshake::options ro;
        ro.static_key = fuzz::peer_key();
        rlpx::handshake resp(policies::handshake_role::recipient, ro);
        // An ack to the harness's initiator (static local_key): answer an
        // auth from it.
        rlpx::handshake::options lo;
        lo.static_key = fuzz::local_key();
        lo.remote_id = crypto::secp256k1::derive_public_key(fuzz::peer_key()).value();
        lo.legacy_auth = legacy;
        rlpx::handshake local(policies::handshake_role::initiator, lo);
        bytes local_auth, ack;
        (void)local.start(local_auth);
        (void)resp.start(ack);
        (void)resp.consume(local_auth, ack);
        put("rlpx_ack_fuzz", legacy ? "valid_legacy" : "valid_eip8", ack);
    }

    // Sealed frames for the raw frame reader.
    {
        auto w = fuzz::make_session<fuzz::writer_config>();
        (void)w.send(0, fuzz::peer_hello(), {});
        put("rlpx_frame_fuzz", "hello", w.pending_output());
        (void)w.send(2, snappy(test::h("c0")), {});
        (void)w.send(0x10, snappy(as_bytes("application data")), {});
        put("rlpx_frame_fuzz", "hello_ping_message", w.pending_output());
    }

    // Records for the sealed-frame harness.
    {
        const bytes hello = fuzz::peer_hello();
        bytes a;
        record(a, 0, hello);
        put("rlpx_sealed_frame_fuzz", "hello", a);
        record(a, 2, snappy(test::h("c0")));
        record(a, 0x10, snappy(bytes(300, 7)));
        record(a, 3, snappy(test::h("c0")));
        put("rlpx_sealed_frame_fuzz", "hello_ping_message_pong", a);
        bytes b;
        record(b, 0, hello);
        record(b, 1, snappy(test::h("c108")));
        put("rlpx_sealed_frame_fuzz", "hello_disconnect", b);
        bytes c;
        record(c, 0, hello);
        record(c, 1, test::h("08"));
        put("rlpx_sealed_frame_fuzz", "hello_bare_disconnect", c);
        bytes d;
        record(d, 1, test::h("c104"));
        put("rlpx_sealed_frame_fuzz", "disconnect_before_hello", d);
    }

    put("rlpx_p2p_fuzz", "hello_eip8", test::h(v["devp2p_hello_eip8"]["hex"].get<std::string>()));
    put("rlpx_p2p_fuzz", "hello_polywire", fuzz::peer_hello());
    put("rlpx_p2p_fuzz", "disconnect_list", test::h("c108"));
    put("rlpx_p2p_fuzz", "disconnect_snappy", test::h("0204c108"));
    put("rlpx_p2p_fuzz", "enode_ipv4",
        "enode://" + to_hex(crypto::secp256k1::derive_public_key(fuzz::peer_key()).value()) + "@127.0.0.1:30303?discport=30301");
    put("rlpx_p2p_fuzz", "enode_ipv6", "enode://" + to_hex(crypto::secp256k1::derive_public_key(fuzz::peer_key()).value()) + "@[::1]:30303");
    put("rlpx_p2p_fuzz", "capability", std::string_view("eth/68:17"));

    put("snappy_fuzz", "zeros", snappy(bytes(5000, 0)));
    put("snappy_fuzz", "text", snappy(as_bytes("polywire polywire polywire polywire")));
    put("snappy_fuzz", "empty_list", snappy(test::h("c0")));
    // sha256-per-side, from the derived vectors: what B reads from A (the
    // recipient's view, role byte 0x00) and A from B (0x01); the A->B packets
    // for the packet reader; their plaintexts as records for the sealed one.
    {
        const auto c = test::load_vectors("clightning-v3-derived-vectors.json")["vectors"];
        auto pkt = [&](const char* dir, const char* which, const char* field) {
            for (const auto& p : c["packets"])
                if (p["direction"] == dir) return test::h(p[which][field].get<std::string>());
            throw std::runtime_error("no packets");
        };
        const auto in = [&](const char* k) { return test::h(c["inputs"][k].get<std::string>()); };
        put("sha256_per_side_handshake_fuzz", "recipient_key_only", cat({{0x00}, in("a_session_pub")}));
        put("sha256_per_side_handshake_fuzz", "recipient_success",
            cat({{0x00}, in("a_session_pub"), pkt("A->B", "authenticate", "wire"), pkt("A->B", "error_hello", "wire")}));
        put("sha256_per_side_handshake_fuzz", "initiator_success",
            cat({{0x01}, in("b_session_pub"), pkt("B->A", "authenticate", "wire"), pkt("B->A", "error_hello", "wire")}));
        put("sha256_per_side_packet_fuzz", "authenticate", pkt("A->B", "authenticate", "wire"));
        put("sha256_per_side_packet_fuzz", "authenticate_error_hello",
            cat({pkt("A->B", "authenticate", "wire"), pkt("A->B", "error_hello", "wire")}));
        bytes r;
        length_record(r, pkt("A->B", "authenticate", "pkt_protobuf"));
        put("sha256_per_side_sealed_packet_fuzz", "authenticate", r);
        length_record(r, pkt("A->B", "error_hello", "pkt_protobuf"));
        length_record(r, {});
        length_record(r, bytes(300, 7));
        put("sha256_per_side_sealed_packet_fuzz", "authenticate_messages", r);
        bytes w;
        length_record(w, pkt("B->A", "authenticate", "pkt_protobuf"));  // signed for the wrong session key
        put("sha256_per_side_sealed_packet_fuzz", "wrong_authenticate", w);
    }

    std::printf("seeds written under %s\n", root.c_str());
    return 0;
}
