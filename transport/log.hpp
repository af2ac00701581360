// The logging hook: the application routes polywire's log lines anywhere.
// A line is (level, event, peer): `event` is a short sentence such as
// "handshake complete" or "disconnect received: too_many_peers", `peer` the
// remote address. Key material, secrets and payloads never reach the hook.
#pragma once

#include <functional>
#include <string_view>

namespace polywire::transport {

enum class log_level { debug, info, warning, error };

using log_hook = std::function<void(log_level level, std::string_view event, std::string_view peer)>;

}  // namespace polywire::transport
