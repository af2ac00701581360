// The polywire tool (polywire::cli::main) with a key log given to every
// session it makes: every secret its sessions make is appended, as
// lower-case hex, to the file named by POLYWIRE_KEY_DUMP_FILE, one line per
// secret:
//     <label> TAB <hex>
// so that secrets_leak_test.sh can look for them in the tool's output.
// Test only; never shipped.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "tools/cli/common.hpp"
#include "transport/random.hpp"

namespace {

int dump_fd = -1;
std::mutex dump_mutex;

void dump(std::string_view label, polywire::byte_view secret) {
    std::string lines;
    lines.append(label).append("\t").append(polywire::to_hex(secret)).append("\n");
    std::lock_guard lock(dump_mutex);
    for (std::size_t done = 0; done < lines.size();) {
        const ssize_t n = ::write(dump_fd, lines.data() + done, lines.size() - done);
        if (n <= 0) std::abort();  // a test that cannot record secrets must not pass
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (const char* path = std::getenv("POLYWIRE_KEY_DUMP_FILE"); path != nullptr && *path != '\0') {
        dump_fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (dump_fd < 0) return 125;
        return polywire::cli::main(argc, argv, &dump);
    }
    return polywire::cli::main(argc, argv);
}
