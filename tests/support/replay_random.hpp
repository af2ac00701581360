// Test seams of a session's options (transport/random.hpp): a random source
// that replays chosen bytes (a vector's ephemeral keys and nonces), one that
// fails, and a key log that records what it is told.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "crypto/random.hpp"
#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "transport/random.hpp"

namespace polywire::test {

/// The concatenation of byte ranges: replay(cat(key, nonce)).
template <class... Ranges>
bytes cat(const Ranges&... r) {
    bytes out;
    (out.insert(out.end(), std::begin(r), std::end(r)), ...);
    return out;
}

/// A random source that gives `script`'s bytes first, in the order they are
/// drawn; once they are used up, the kernel's bytes (then_os) or
/// transport::errc::random_failure. Copies share one position (a session
/// copies its source into its key agreement and its base protocol, which
/// draw one after the other): make one per session.
inline transport::random_source replay(byte_view script, bool then_os = true) {
    struct state {
        bytes script;
        std::size_t pos = 0;
        bool then_os;
    };
    auto st = std::make_shared<state>(state{bytes(script.begin(), script.end()), 0, then_os});
    return [st](mutable_byte_view out) -> std::error_code {
        std::size_t done = 0;
        while (done < out.size() && st->pos < st->script.size()) out[done++] = st->script[st->pos++];
        if (done == out.size()) return {};
        if (!st->then_os) return transport::errc::random_failure;
        return crypto::random_bytes(out.subspan(done));
    };
}

/// A random source that fails every draw after the first `good_draws` ones
/// (which get the kernel's bytes), with `ec`.
inline transport::random_source failing(std::error_code ec, std::size_t good_draws = 0) {
    auto left = std::make_shared<std::size_t>(good_draws);
    return [ec, left](mutable_byte_view out) -> std::error_code {
        if (*left == 0) return ec;
        --*left;
        return crypto::random_bytes(out);
    };
}

/// Records what a key log is told (thread-safe; copies share the record).
class recorded_key_log {
public:
    struct entry {
        std::string label;
        bytes value;
    };
    transport::key_log sink() const {
        auto r = record_;
        return [r](std::string_view label, byte_view secret) {
            std::lock_guard lock(r->mutex);
            r->entries.push_back({std::string(label), bytes(secret.begin(), secret.end())});
        };
    }
    std::vector<entry> entries() const {
        std::lock_guard lock(record_->mutex);
        return record_->entries;
    }
    /// The value last told under `label`, if any.
    std::optional<bytes> last(std::string_view label) const {
        std::lock_guard lock(record_->mutex);
        for (auto it = record_->entries.rbegin(); it != record_->entries.rend(); ++it)
            if (it->label == label) return it->value;
        return std::nullopt;
    }
    void clear() {
        std::lock_guard lock(record_->mutex);
        record_->entries.clear();
    }

private:
    struct record {
        std::mutex mutex;
        std::vector<entry> entries;
    };
    std::shared_ptr<record> record_ = std::make_shared<record>();
};

}  // namespace polywire::test
