#include "commands.hpp"
#include "common.hpp"

#include "mlv/util/error.hpp"

namespace mlv::cli {

void register_uninstall(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("uninstall", "(not implemented yet)");
    add_verbose_flag(*command);
    command->callback([&context] {
        open_repository();
        context.exit_status = exit_code::failure;
        throw FatalError("'uninstall' is not implemented yet", exit_code::failure);
    });
}

} // namespace mlv::cli
