// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/)
// from the test vectors and from frames sealed with the harness's fixed
// secrets. Run once when a harness changes:
//   bazel build //tests/fuzz:make_seeds && (cd bazel-bin/tests/fuzz/make_seeds.runfiles &&
//       ./polywire/tests/fuzz/make_seeds "$OLDPWD/tests/fuzz/corpus")
// (the session targets' seeds come from session_harness.hpp, for every
// variant of the list).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/snappy.hpp"
#include "rlpx/handshake.hpp"
#include "tests/fuzz/rlpx_harness.hpp"
#include "tests/fuzz/session_harness.hpp"
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
    // The session targets, one per variant of the list: what real peers
    // send, in each mode of the harness.
    variants::for_each_variant([](auto v) {
        using V = decltype(v);
        const auto seeds = fuzz::session_fuzz::harness<V>::seeds();
        if (seeds.empty()) {
            std::fprintf(stderr, "%s: the harness's handshake did not complete\n", std::string(V::name).c_str());
            std::exit(1);
        }
        for (const auto& [name, data] : seeds) put(fuzz::session_fuzz::target_name(V::name), name, data);
    });

    // RLPx's handshake messages in every format, for the session target's
    // modes 0 (a responder reading an auth) and 1 (an initiator reading an
    // ack): the official vectors (addressed to other keys: they exercise
    // the parsing up to the ECIES MAC) and legacy (pre-EIP-8) auths and acks
    // addressed to the harness's keys.
    const std::string rlpx_target = fuzz::session_fuzz::target_name(rlpx::variant::name);
    auto as_mode = [](fuzz::session_fuzz::mode m, byte_view message) {
        bytes b{static_cast<std::uint8_t>(m)};
        fuzz::session_fuzz::record(b, message);
        return b;
    };
    using fuzz::session_fuzz::mode;
    const auto v = test::load_vectors("rlpx-vectors.json");
    for (const auto& [k, p] : v["handshake"]["official"]["auth"].items())
        put(rlpx_target, "official_auth_" + k, as_mode(mode::responder_handshake, test::h(p["hex"].get<std::string>())));
    for (const auto& [k, p] : v["handshake"]["official"]["ack"].items())
        put(rlpx_target, "official_ack_" + k, as_mode(mode::initiator_handshake, test::h(p["hex"].get<std::string>())));
    {
        using keys = fuzz::session_fuzz::setup<rlpx::variant>;
        rlpx::handshake::options io;
        io.static_key = keys::key(true);
        io.remote_id = rlpx::variant::node_id(keys::key(false)).value();
        io.legacy_auth = true;
        rlpx::handshake init(policies::handshake_role::initiator, io);
        bytes auth;
        (void)init.start(auth);
        put(rlpx_target, "legacy_auth", as_mode(mode::responder_handshake, auth));
        rlpx::handshake::options ro;
        ro.static_key = keys::key(false);
        rlpx::handshake resp(policies::handshake_role::recipient, ro);
        bytes ack;
        (void)resp.start(ack);
        (void)resp.consume(auth, ack);
        put(rlpx_target, "legacy_ack", as_mode(mode::initiator_handshake, ack));
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
    // sha256-per-side, from the derived vectors: the plaintexts of the A->B
    // packets as records for the sealed-packet target.
    {
        const auto c = test::load_vectors("clightning-v3-derived-vectors.json")["vectors"];
        auto pkt = [&](const char* dir, const char* which, const char* field) {
            for (const auto& p : c["packets"])
                if (p["direction"] == dir) return test::h(p[which][field].get<std::string>());
            throw std::runtime_error("no packets");
        };
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
