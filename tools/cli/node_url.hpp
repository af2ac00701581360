// The polywire tool's node URLs: transport/node_url.hpp, by their old names.
#pragma once

#include "transport/node_url.hpp"

namespace polywire::cli {
using transport::node_url;
using transport::parse_node_url;
using transport::to_string;
}  // namespace polywire::cli
