package dev.imageanomaly.app;

import dev.imageanomaly.trainer.cli.BenchCommand;
import dev.imageanomaly.trainer.cli.EvaluateCommand;
import dev.imageanomaly.trainer.cli.GenerateCommand;
import dev.imageanomaly.trainer.cli.QualityBenchCommand;
import dev.imageanomaly.trainer.cli.FindAnomaliesCommand;
import dev.imageanomaly.trainer.cli.ScoreCommand;
import dev.imageanomaly.trainer.cli.TrainCommand;
import dev.imageanomaly.trainer.cli.TrainerCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command line: offline training and scoring, plus the streaming service and its clients. */
@Command(name = "image-anomaly",
        mixinStandardHelpOptions = true,
        version = "image-anomaly 0.1.0",
        description = "Learn what normal images look like, then find the ones that are not, offline or on a Kafka stream.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, ScoreCommand.class,
            FindAnomaliesCommand.class, BenchCommand.class, GenerateCommand.class, QualityBenchCommand.class,
            BenchStreamCommand.class, ServeCommand.class, ProduceCommand.class, AlertsCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(TrainerCli.withErrorHandling(new CommandLine(new Main())).execute(args));
    }
}
