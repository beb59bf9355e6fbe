package dev.imageanomaly.app;

import dev.imageanomaly.trainer.cli.BenchCommand;
import dev.imageanomaly.trainer.cli.EvaluateCommand;
import dev.imageanomaly.trainer.cli.ScoreCommand;
import dev.imageanomaly.trainer.cli.TrainCommand;
import dev.imageanomaly.trainer.cli.TrainerCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command line: offline training and scoring, plus the streaming service and its clients. */
@Command(name = "image-anomaly",
        mixinStandardHelpOptions = true,
        version = "image-anomaly 0.1.0",
        description = {
            "Learn what normal images look like, then find the ones that are not, offline or on a Kafka stream.",
            "",
            "  demo      everything on one machine: train, embedded Kafka + registry, stream, alerts, report",
            "  train     a detector on normal images -> model bundle (ONNX + manifest)",
            "  evaluate  a bundle on labelled normal and anomalous images (AUROC, AUPRC, F1)",
            "  score     images with a bundle -> CSV or JSON lines",
            "  bench     ONNX Runtime scoring throughput",
            "  serve     the streaming scorer against your Kafka and schema registry",
            "  produce   publish a folder or IDX file of images as ImageEvents",
            "  alerts    follow the alerts topic and print each alert",
        },
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, ScoreCommand.class,
            BenchCommand.class, ServeCommand.class, ProduceCommand.class, AlertsCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(TrainerCli.withErrorHandling(new CommandLine(new Main())).execute(args));
    }
}
