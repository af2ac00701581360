#include "rlpx/p2p/disconnect.hpp"

#include <string>

#include <gtest/gtest.h>

#include "crypto/snappy.hpp"
#include "rlpx/error.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/vectors.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx::p2p {
namespace {

bytes compress(const bytes& in) {
    bytes out(crypto::snappy::max_compressed_length(in.size()));
    out.resize(crypto::snappy::compress(in, out));
    return out;
}

std::uint8_t decoded(std::string_view hex, bool snappy_active) {
    auto r = decode_disconnect(test::h(hex), snappy_active);
    EXPECT_TRUE(r) << hex << " snappy " << snappy_active;
    return r ? r.value() : 0xee;
}

const disconnect_reason all_reasons[] = {
    disconnect_reason::requested,          disconnect_reason::network_error,
    disconnect_reason::protocol_breach,    disconnect_reason::useless_peer,
    disconnect_reason::too_many_peers,     disconnect_reason::already_connected,
    disconnect_reason::incompatible_version, disconnect_reason::invalid_identity,
    disconnect_reason::client_quitting,    disconnect_reason::unexpected_identity,
    disconnect_reason::connected_to_self,  disconnect_reason::read_timeout,
    disconnect_reason::subprotocol_error,
};

TEST(DisconnectTest, EncodesTheReasonAsAList) {
    EXPECT_EQ(test::hx(encode_disconnect(disconnect_reason::client_quitting)), "c108");
    EXPECT_EQ(test::hx(encode_disconnect(disconnect_reason::requested)), "c180");
    EXPECT_EQ(test::hx(encode_disconnect(disconnect_reason::subprotocol_error)), "c110");
    // And the geth form on the wire after Hello: snappy([8]).
    EXPECT_EQ(test::hx(compress(encode_disconnect(disconnect_reason::client_quitting))), "0204c108");
}

TEST(DisconnectTest, RoundTripsEveryReasonCompressedOrNot) {
    for (disconnect_reason r : all_reasons) {
        const bytes plain = encode_disconnect(r);
        EXPECT_EQ(decode_disconnect(plain, false).value(), static_cast<std::uint8_t>(r)) << reason_name(r);
        EXPECT_EQ(decode_disconnect(plain, true).value(), static_cast<std::uint8_t>(r)) << reason_name(r);
        EXPECT_EQ(decode_disconnect(compress(plain), true).value(), static_cast<std::uint8_t>(r)) << reason_name(r);
    }
}

TEST(DisconnectTest, AcceptsEveryFormPeersSend) {
    for (bool snappy : {false, true}) {
        EXPECT_EQ(decoded("c108", snappy), 8) << "geth list, uncompressed";
        EXPECT_EQ(decoded("08", snappy), 8) << "bare integer (ethjs, legacy geth)";
        EXPECT_EQ(decoded("80", snappy), 0) << "empty string (ethjs reason 0)";
        EXPECT_EQ(decoded("c0", snappy), 0) << "empty list";
        EXPECT_EQ(decoded("c180", snappy), 0) << "list [0]";
        EXPECT_EQ(decoded("00", snappy), 0) << "the byte 00";
        EXPECT_EQ(decoded("01", snappy), 1) << "bare 1 (ethjs reads it as 0)";
        EXPECT_EQ(decoded("c20801", snappy), 8) << "extra list elements";
        EXPECT_EQ(decoded("c108ff", snappy), 8) << "bytes after the list";
    }
    EXPECT_EQ(decoded("0204c108", true), 8) << "geth: snappy([8])";
    EXPECT_EQ(decoded("0204c180", true), 0) << "snappy([0])";
    EXPECT_EQ(decoded("010008", true), 8) << "snappy(08)";
    EXPECT_EQ(decoded("010080", true), 0) << "snappy(80)";
    EXPECT_EQ(decoded("0100c0", true), 0) << "snappy([])";
}

TEST(DisconnectTest, ReturnsUnknownReasonsAsTheyAre) {
    EXPECT_EQ(decoded("c10c", false), 0x0c);
    EXPECT_EQ(decoded("c281ff", false), 0xff);
    EXPECT_EQ(decoded("81ff", true), 0xff);
    EXPECT_FALSE(known_reason(0x0c));
    EXPECT_FALSE(known_reason(0xff));
}

TEST(DisconnectTest, DecodesGethProtocolHandshakeErrorsCases) {
    // The Disconnect cases of geth's TestProtocolHandshakeErrors: a peer
    // sends Disconnect instead of Hello (so nothing is compressed).
    const auto v = test::load_vectors("rlpx-vectors.json")["hello_disconnect_geth_TestProtocolHandshakeErrors"];
    int seen = 0;
    for (const auto& c : v["cases"]) {
        const std::string code = c["code"];
        if (code.rfind("0x01", 0) != 0) continue;
        const std::string payload = c["payload"];
        const std::string hex = payload.substr(payload.find("= ") + 2, payload.find(' ', payload.find("= ") + 2) -
                                                                           (payload.find("= ") + 2));
        const std::string expect = c["expect"];
        const int want = std::stoi(expect.substr(expect.find('(') + 1));
        auto r = decode_disconnect(test::h(hex), false);
        ASSERT_TRUE(r) << payload;
        EXPECT_EQ(r.value(), want) << payload;
        EXPECT_EQ(known_reason(r.value()), disconnect_reason::client_quitting);
        ++seen;
    }
    EXPECT_EQ(seen, 2);
}

TEST(DisconnectTest, RejectsGarbage) {
    const char* cases[] = {
        "",            // nothing
        "c2c108",      // the reason is a list
        "820102",      // an integer above 255
        "c3820102",    // the same in a list
        "b8",          // truncated header
        "c5",          // list shorter than its header says
        "8108",        // non-canonical single byte
        "ff",          // long list header with no length
    };
    for (const char* c : cases) {
        for (bool snappy : {false, true}) {
            auto r = decode_disconnect(test::h(c), snappy);
            ASSERT_FALSE(r) << c << " snappy " << snappy;
            EXPECT_EQ(r.error(), errc::bad_disconnect_rlp);
            EXPECT_EQ(r.error(), transport::condition::protocol_violation);
        }
    }
}

TEST(DisconnectTest, DoesNotInflateMoreThanOneKibibyte) {
    // [8] followed by zeros, compressed: the decoder reads the first item.
    bytes at_limit = test::h("c108");
    at_limit.resize(max_disconnect_decompressed_size, 0);
    EXPECT_EQ(decode_disconnect(compress(at_limit), true).value(), 8);

    // One byte more: not decompressed; the raw bytes (header 81 08, a
    // non-canonical string) do not decode either.
    bytes over = test::h("c108");
    over.resize(max_disconnect_decompressed_size + 1, 0);
    const bytes comp = compress(over);
    ASSERT_EQ(test::hx(byte_view(comp).first(2)), "8108");
    EXPECT_EQ(decode_disconnect(comp, true).error(), errc::bad_disconnect_rlp);

    // A header declaring 4 GiB is refused without allocating it.
    EXPECT_EQ(decode_disconnect(test::h("ffffffff0f04c108"), true).error(), errc::bad_disconnect_rlp);
}

TEST(DisconnectTest, NamesEveryReason) {
    const char* names[] = {"requested",         "network_error",        "protocol_breach",  "useless_peer",
                           "too_many_peers",    "already_connected",    "incompatible_version", "invalid_identity",
                           "client_quitting",   "unexpected_identity",  "connected_to_self", "read_timeout",
                           "subprotocol_error"};
    static_assert(std::size(names) == std::size(all_reasons));
    for (std::size_t i = 0; i < std::size(names); ++i) {
        EXPECT_EQ(reason_name(all_reasons[i]), names[i]);
        EXPECT_FALSE(reason_text(all_reasons[i]).empty());
        EXPECT_EQ(parse_reason(names[i]), all_reasons[i]);
        EXPECT_EQ(known_reason(static_cast<std::uint8_t>(all_reasons[i])), all_reasons[i]);
    }
    EXPECT_EQ(reason_text(disconnect_reason::too_many_peers), "too many peers");
    EXPECT_EQ(reason_name(static_cast<disconnect_reason>(0x0c)), "unknown");
    EXPECT_EQ(reason_text(static_cast<disconnect_reason>(0xff)), "unknown disconnect reason");
}

TEST(DisconnectTest, ParsesReasonsGivenAsNumbersOrNames) {
    EXPECT_EQ(parse_reason("4"), disconnect_reason::too_many_peers);
    EXPECT_EQ(parse_reason("0x04"), disconnect_reason::too_many_peers);
    EXPECT_EQ(parse_reason("0X0a"), disconnect_reason::connected_to_self);
    EXPECT_EQ(parse_reason("16"), disconnect_reason::subprotocol_error);
    EXPECT_EQ(parse_reason("0x10"), disconnect_reason::subprotocol_error);
    EXPECT_EQ(parse_reason("0"), disconnect_reason::requested);
    EXPECT_EQ(parse_reason("Too-Many-Peers"), disconnect_reason::too_many_peers);
    for (const char* bad : {"", "0x", "12", "0x0c", "255", "256", "-1", " 4", "4 ", "+4", "0x1g", "quitting",
                            "too many peers", "too_many_peers_"}) {
        EXPECT_FALSE(parse_reason(bad)) << bad;
    }
}

}  // namespace
}  // namespace polywire::rlpx::p2p
