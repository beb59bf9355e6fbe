package dev.imageanomaly.app;

import dev.imageanomaly.trainer.cli.TrainerCli;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command line: the demo, the trainer's offline commands, and the streaming service and its clients. */
@Command(name = "image-anomaly",
        mixinStandardHelpOptions = true,
        version = "image-anomaly 0.1.0",
        description = "Learn what normal images look like, then find the ones that are not, offline or on a Kafka stream.")
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = TrainerCli.withCommands(new CommandLine(new Main()).addSubcommand(DemoCommand.class));
        List.of(BenchStreamCommand.class, ServeCommand.class, ProduceCommand.class, AlertsCommand.class,
                ModelsCommand.class, RolloutCommand.class, DriftCommand.class, CommandLine.HelpCommand.class)
                .forEach(commandLine::addSubcommand);
        return TrainerCli.withErrorHandling(commandLine);
    }
}
