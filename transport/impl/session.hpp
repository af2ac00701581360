// Member definitions of transport::session<Config>, by operation; included
// at the bottom of transport/session.hpp. Read the contract there first.
//
//   session_start.hpp      construction, start(), the handshake
//   session_receive.hpp    receive*(), frames, dispatch, next_event()
//   session_output.hpp     pending/consume_output(), send*(), ping(), sealing
//   session_deadlines.hpp  next_deadline(), on_tick(), buffer release
//   session_probes.hpp     datagram size negotiation: probes, acknowledgements
//   session_close.hpp      close(), abort(), fail(), wiping keys
//
// The parts the session is made of, each tested on its own in
// tests/transport/impl/: input_buffer.hpp, event_queue.hpp, timer_set.hpp,
// datagram_flight.hpp (and key_log.hpp, what tells the key log).
#pragma once

#include "transport/impl/session_start.hpp"
#include "transport/impl/session_receive.hpp"
#include "transport/impl/session_output.hpp"
#include "transport/impl/session_deadlines.hpp"
#include "transport/impl/session_probes.hpp"
#include "transport/impl/session_close.hpp"
