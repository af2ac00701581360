// js_peer: runs libp2p_noise_peer.mjs (js-libp2p's @chainsafe/libp2p-noise
// connection encrypter over a TCP socket) and talks to it in JSON lines. The
// events and commands are described in README.md next to this file.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "tests/support/subprocess.hpp"
#include "transport/bytes.hpp"

namespace polywire::test::libp2p_interop {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// The npm package the peer is written against (package.json pins it).
inline constexpr const char* noise_package_version = "17.0.0";

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

/// byte i = (i*31 + seed) & 0xff, as libp2p_noise_peer.mjs builds them.
inline bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

inline std::string sha(byte_view b) { return to_hex(crypto::sha256(b)); }

class js_peer {
public:
    /// `args` after the script name, e.g. {"--key-type", "ed25519", "--listen", "0"}.
    explicit js_peer(const std::vector<std::string>& args) {
        const std::string node = env("POLYWIRE_NODE").empty() ? "/usr/bin/node" : env("POLYWIRE_NODE");
        if (env("POLYWIRE_NODE_MODULES").empty())
            throw std::runtime_error("POLYWIRE_NODE_MODULES is not set: run the tests with ./bazelw");
        std::vector<std::string> argv = {
            node, env("TEST_SRCDIR") + "/" + env("TEST_WORKSPACE") + "/tests/variants/libp2p_noise/interop/libp2p_noise_peer.mjs"};
        argv.insert(argv.end(), args.begin(), args.end());
        proc_ = std::make_unique<subprocess>(argv);
    }

    /// The next event named `name` (skipping others, collecting error events), or
    /// a test failure and {"event":"missing"}.
    json expect(const std::string& name, std::chrono::milliseconds timeout = 15s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto line = proc_->read_line(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (!line) break;
            json j = json::parse(*line, nullptr, false);
            if (j.is_discarded()) continue;
            events.push_back(j);
            if (j.value("event", "") == "error") errors.push_back(j);
            if (j.value("event", "") == name) return j;
        }
        ADD_FAILURE() << "libp2p noise peer: no '" << name << "' event (node or the npm packages missing?); events: "
                      << json(events).dump();
        return json{{"event", "missing"}};
    }

    void command(const json& c) { proc_->write_line(c.dump()); }

    /// Reads and drops whatever the script printed before now (up to a sync
    /// mark), error events included.
    void sync() {
        command({{"cmd", "sync"}, {"tag", ++sync_tag_}});
        EXPECT_EQ(expect("sync")["tag"], sync_tag_);
        errors.clear();
    }

    /// Closes its stdin (the script then exits) and returns its exit code
    /// (0: no error event, 1: an error event, 2: usage or package missing).
    std::optional<int> finish(std::chrono::milliseconds timeout = 10s) { return proc_->finish(timeout); }

    std::vector<json> events;
    std::vector<json> errors;

private:
    std::unique_ptr<subprocess> proc_;
    int sync_tag_ = 0;
};

/// The "listening" or "dialing" line: checks the package version and returns it.
inline json expect_hello(js_peer& peer, const std::string& name) {
    json hello = peer.expect(name);
    EXPECT_EQ(hello.value("version", ""), noise_package_version);
    return hello;
}

}  // namespace polywire::test::libp2p_interop
