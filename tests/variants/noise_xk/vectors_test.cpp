// BOLT 8 Appendix A through the real session (transport::session<noise_xk::config>):
// both successful handshake traces byte for byte, every failure case with
// its error code, and the message outputs 0, 1, 500, 501, 1000 and 1001.
#include "variants/noise_xk/config.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "tests/support/vectors.hpp"

namespace polywire::variants::noise_xk {
namespace {
namespace k1 = crypto::secp256k1;
using nlohmann::json;
using test::h;
using test::hx;
using transport::event_kind;
using transport::session_state;

const transport::time_point t0 = transport::time_point{} + std::chrono::hours(1);

const json& vectors() {
    static const json v = test::load_vectors("bolt8-vectors.json");
    return v;
}

bytes hj(const json& j) { return h(j.get<std::string>()); }

k1::private_key priv(const std::string& hex) { return k1::private_key(h(hex)); }
k1::compressed_public_key pub(const std::string& hex) {
    k1::compressed_public_key k{};
    const bytes b = h(hex);
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

session make_session(policies::handshake_role role, const json& params, transport::key_log key_log = {}) {
    session::options o;
    o.key_log = std::move(key_log);
    o.handshake.static_key = priv(params["ls.priv"]);
    o.random = test::replay(h(params["e.priv"].get<std::string>()));
    if (params.contains("rs.pub")) o.handshake.remote_static = pub(params["rs.pub"]);
    return session(role, std::move(o));
}

std::string take_output(session& s) {
    std::string out = hx(s.pending_output());
    s.consume_output(s.pending_output().size());
    return out;
}

std::vector<transport::event> events(session& s) {
    std::vector<transport::event> out;
    while (auto e = s.next_event()) out.push_back(*e);
    return out;
}

// "ACT2_BAD_VERSION 1" -> the code polywire reports.
std::error_code expected_code(std::string name) {
    name = name.substr(0, name.find(' '));
    static const std::map<std::string, errc> codes = {
        {"ACT1_BAD_VERSION", errc::act1_bad_version}, {"ACT1_BAD_PUBKEY", errc::act1_bad_pubkey},
        {"ACT1_BAD_TAG", errc::act1_bad_tag},         {"ACT2_BAD_VERSION", errc::act2_bad_version},
        {"ACT2_BAD_PUBKEY", errc::act2_bad_pubkey},   {"ACT2_BAD_TAG", errc::act2_bad_tag},
        {"ACT3_BAD_VERSION", errc::act3_bad_version}, {"ACT3_BAD_CIPHERTEXT", errc::act3_bad_ciphertext},
        {"ACT3_BAD_PUBKEY", errc::act3_bad_pubkey},   {"ACT3_BAD_TAG", errc::act3_bad_tag},
    };
    auto it = codes.find(name);
    if (it == codes.end()) throw std::invalid_argument("unknown expected error " + name);
    return it->second;
}

// Runs one Appendix A test through a session: inputs are received, outputs
// compared byte for byte, expected errors checked. Returns the session.
session run_case(const json& tc, policies::handshake_role role, bool byte_at_a_time = false,
                 transport::key_log key_log = {}) {
    SCOPED_TRACE(tc["name"].get<std::string>());
    session s = make_session(role, tc["params"], std::move(key_log));
    EXPECT_FALSE(s.start(t0));
    for (const json& step : tc["steps"]) {
        SCOPED_TRACE(step["act"].get<std::string>());
        if (step.contains("input")) {
            const bytes in = hj(step["input"]);
            if (byte_at_a_time) {
                for (std::uint8_t b : in) (void)s.receive(byte_view(&b, 1), t0);
            } else {
                (void)s.receive(in, t0);
            }
        }
        if (step.contains("expect_error")) {
            const std::string name = step["expect_error"];
            EXPECT_TRUE(take_output(s).empty()) << "nothing is sent after a failed act";
            if (name.find("READ_FAILED") != std::string::npos) {
                // A short act is "need more": the session keeps waiting. Its
                // end is the peer's EOF or the handshake deadline.
                EXPECT_EQ(s.state(), session_state::handshaking);
                EXPECT_FALSE(s.error());
                EXPECT_TRUE(events(s).empty());
            } else {
                EXPECT_EQ(s.state(), session_state::closed);
                EXPECT_EQ(s.error(), expected_code(name)) << s.error().message();
                EXPECT_EQ(s.error(), transport::condition::handshake_failed);
                auto evs = events(s);
                EXPECT_EQ(evs.size(), 1u);
                if (!evs.empty()) {
                    EXPECT_EQ(evs[0].kind, event_kind::error);
                }
            }
            return s;
        }
        if (step.contains("output")) {
            EXPECT_EQ(take_output(s), step["output"].get<std::string>());
        }
    }
    return s;
}

TEST(Bolt8VectorsTest, InitiatorSucceedsByteForByte) {
    const json& tc = vectors()["initiator_tests"][0];
    ASSERT_EQ(tc["name"], "transport-initiator successful handshake");
    session s = run_case(tc, policies::handshake_role::initiator);
    EXPECT_EQ(s.state(), session_state::established);
    EXPECT_EQ(hx(s.remote_id()), tc["params"]["rs.pub"].get<std::string>());
    auto evs = events(s);
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].kind, event_kind::handshake_complete);
}

// The session's key log is told Appendix A's keys under the documented
// labels (docs/architecture.md, "Key log"); the ephemeral key it used is
// the one the random source replayed.
TEST(Bolt8VectorsTest, TheKeyLogIsToldAppendixAKeys) {
    for (const char* which : {"initiator_tests", "responder_tests"}) {
        SCOPED_TRACE(which);
        const json& tc = vectors()[which][0];
        test::recorded_key_log log;
        const auto role = std::string(which) == "initiator_tests" ? policies::handshake_role::initiator
                                                                  : policies::handshake_role::recipient;
        session s = run_case(tc, role, false, log.sink());
        ASSERT_EQ(s.state(), session_state::established);
        const json& keys = tc["steps"].back()["final_keys"];
        EXPECT_EQ(hx(log.last("NOISE_XK_SK").value_or(bytes{})), keys["sk"].get<std::string>());
        EXPECT_EQ(hx(log.last("NOISE_XK_RK").value_or(bytes{})), keys["rk"].get<std::string>());
        // The final chaining key both rotations start from (the message test's ck).
        EXPECT_EQ(hx(log.last("NOISE_XK_CK").value_or(bytes{})), vectors()["message_encryption"]["ck"].get<std::string>());
        EXPECT_TRUE(log.last("NOISE_XK_HANDSHAKE_CK"));
        EXPECT_TRUE(log.last("NOISE_XK_HANDSHAKE_K"));
        EXPECT_EQ(hx(log.last("NOISE_XK_EPHEMERAL_PRIVATE_KEY").value_or(bytes{})), tc["params"]["e.priv"].get<std::string>());
        EXPECT_EQ(hx(log.last("NOISE_XK_STATIC_PRIVATE_KEY").value_or(bytes{})), tc["params"]["ls.priv"].get<std::string>());
        for (const auto& e : log.entries()) EXPECT_TRUE(e.label.starts_with("NOISE_XK_")) << e.label;
    }
}

TEST(Bolt8VectorsTest, ResponderSucceedsByteForByte) {
    const json& tc = vectors()["responder_tests"][0];
    ASSERT_EQ(tc["name"], "transport-responder successful handshake");
    for (bool one_byte : {false, true}) {
        session s = run_case(tc, policies::handshake_role::recipient, one_byte);
        EXPECT_EQ(s.state(), session_state::established);
        EXPECT_EQ(hx(s.remote_id()), vectors()["summary_success"]["initiator_ls_pub"].get<std::string>());
        auto evs = events(s);
        ASSERT_EQ(evs.size(), 1u);
        EXPECT_EQ(evs[0].kind, event_kind::handshake_complete);
    }
}

TEST(Bolt8VectorsTest, EveryInitiatorFailureCase) {
    const json& tests = vectors()["initiator_tests"];
    ASSERT_EQ(tests.size(), 5u);
    for (std::size_t i = 1; i < tests.size(); ++i) run_case(tests[i], policies::handshake_role::initiator);
}

TEST(Bolt8VectorsTest, EveryResponderFailureCase) {
    const json& tests = vectors()["responder_tests"];
    ASSERT_EQ(tests.size(), 10u);
    for (std::size_t i = 1; i < tests.size(); ++i) run_case(tests[i], policies::handshake_role::recipient);
}

TEST(Bolt8VectorsTest, ShortActsEndAtEofOrAtTheHandshakeDeadline) {
    for (const char* group : {"initiator_tests", "responder_tests"}) {
        for (const json& tc : vectors()[group]) {
            if (tc["name"].get<std::string>().find("short read") == std::string::npos) continue;
            const auto role = std::string(group) == "initiator_tests" ? policies::handshake_role::initiator
                                                                     : policies::handshake_role::recipient;
            session eof = run_case(tc, role);
            EXPECT_EQ(eof.receive_eof(t0), transport::errc::peer_closed);
            EXPECT_EQ(eof.state(), session_state::closed);

            session late = run_case(tc, role);
            ASSERT_TRUE(late.next_deadline());
            EXPECT_EQ(*late.next_deadline(), t0 + late.settings().timeouts.handshake);
            (void)late.on_tick(*late.next_deadline() - std::chrono::milliseconds(1));
            EXPECT_EQ(late.state(), session_state::handshaking);
            EXPECT_EQ(late.on_tick(*late.next_deadline()), transport::errc::handshake_timeout);
            EXPECT_EQ(late.error(), transport::condition::timed_out);
        }
    }
}

// ---- message encryption ------------------------------------------------

const std::vector<int> shown = {0, 1, 500, 501, 1000, 1001};

// Sends "hello" 1002 times and returns each message's wire bytes.
std::vector<bytes> send_hellos(auto& s) {
    std::vector<bytes> wire;
    for (int i = 0; i < 1002; ++i) {
        EXPECT_FALSE(s.send(0, as_bytes("hello"), t0));
        wire.emplace_back(s.pending_output().begin(), s.pending_output().end());
        s.consume_output(s.pending_output().size());
    }
    return wire;
}

void check_outputs(const std::vector<bytes>& wire) {
    const json& m = vectors()["message_encryption"];
    for (int i : shown) {
        ASSERT_EQ(wire[static_cast<std::size_t>(i)].size(), 39u);
        EXPECT_EQ(hx(wire[static_cast<std::size_t>(i)]), m["outputs"][std::to_string(i)].get<std::string>()) << "message " << i;
    }
}

// Delivers every message to `r` (optionally a byte at a time) and checks
// each arrives as "hello".
template <class Session>
void deliver_hellos(Session& r, const std::vector<bytes>& wire, bool byte_at_a_time) {
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (byte_at_a_time) {
            for (std::uint8_t b : wire[i]) ASSERT_FALSE(r.receive(byte_view(&b, 1), t0)) << "message " << i;
        } else {
            ASSERT_FALSE(r.receive(wire[i], t0)) << "message " << i;
        }
        auto e = r.next_event();
        ASSERT_TRUE(e) << "message " << i;
        ASSERT_EQ(e->kind, event_kind::message) << "message " << i;
        EXPECT_EQ(e->code, 0u);
        EXPECT_EQ(bytes(e->payload.begin(), e->payload.end()), bytes(as_bytes("hello").begin(), as_bytes("hello").end()));
    }
}

// The message test's keys, handed to the session without a handshake.
using preset_config = transport::with_policy<config, transport::role::key_agreement, test::preset_key_agreement<secrets>>;
using preset_session = transport::session<preset_config>;

preset_session preset(policies::handshake_role role) {
    const json& m = vectors()["message_encryption"];
    // The initiator's sk is the initiator->responder key, its rk the other.
    secrets s;
    s.role = role;
    s.initiator_key.assign(hj(m["sk"]));
    s.responder_key.assign(hj(m["rk"]));
    s.final_chaining_key.assign(hj(m["ck"]));
    preset_session::options o;
    o.handshake.secrets_for_testing_only = s;
    preset_session p(role, std::move(o));
    EXPECT_FALSE(p.start(t0));
    EXPECT_EQ(p.state(), session_state::established);
    (void)p.next_event();
    return p;
}

TEST(Bolt8VectorsTest, MessageOutputsFromTheVectorKeys) {
    preset_session s = preset(policies::handshake_role::initiator);
    const auto wire = send_hellos(s);
    check_outputs(wire);
    const json& m = vectors()["message_encryption"];
    EXPECT_EQ(hx(byte_view(wire[0]).first(18)), m["first_message_parts"]["lc"].get<std::string>());
    EXPECT_EQ(hx(byte_view(wire[0]).subspan(18)), m["first_message_parts"]["c"].get<std::string>());
    EXPECT_EQ(hx(byte_view(wire[1]).first(18)), m["second_message_parts"]["lc"].get<std::string>());

    preset_session r = preset(policies::handshake_role::recipient);
    deliver_hellos(r, wire, false);
}

TEST(Bolt8VectorsTest, MessageOutputsAfterTheRealHandshakeInBothRoles) {
    session i = run_case(vectors()["initiator_tests"][0], policies::handshake_role::initiator);
    session r = run_case(vectors()["responder_tests"][0], policies::handshake_role::recipient);
    ASSERT_EQ(i.state(), session_state::established);
    ASSERT_EQ(r.state(), session_state::established);
    (void)events(i);
    (void)events(r);
    const auto wire = send_hellos(i);
    check_outputs(wire);
    // The responder reads all 1002 (two key rotations), partly a byte at a time.
    deliver_hellos(r, std::vector<bytes>(wire.begin(), wire.begin() + 600), false);
    deliver_hellos(r, std::vector<bytes>(wire.begin() + 600, wire.end()), true);
}

}  // namespace
}  // namespace polywire::variants::noise_xk
