package dev.imageanomaly.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The trainer's command line: train, score, evaluate, benchmark, find anomalies in an unlabelled set. */
@Command(name = "image-anomaly",
        mixinStandardHelpOptions = true,
        version = "image-anomaly 0.1.0",
        description = {
            "Learn what normal images look like, then find the ones that are not.",
            "",
            "Typical use:",
            "  train     on a folder or IDX file of normal images -> a model bundle (ONNX + manifest)",
            "  evaluate  the bundle on labelled normal and anomalous images (AUROC, AUPRC, F1)",
            "  score     new images with the bundle -> CSV or JSON lines of id, score, verdict",
            "  bench     ONNX Runtime scoring throughput at several batch sizes",
            "  generate  images sampled from a generative bundle (vae, conv-vae, wgan) into a PNG grid",
            "  quality-bench  AUROC of every model kind on the standard protocols, as a markdown table",
            "  find-anomalies  the strays in an unlabelled folder -> ranked CSV and a gallery",
        },
        subcommands = {TrainCommand.class, ScoreCommand.class, EvaluateCommand.class, BenchCommand.class,
            GenerateCommand.class, QualityBenchCommand.class, FindAnomaliesCommand.class,
            CommandLine.HelpCommand.class})
public final class TrainerCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return withErrorHandling(new CommandLine(new TrainerCli()));
    }

    /** Failures print one clear line (and exit 2) instead of a stack trace; -Dimage-anomaly.debug=true shows it. */
    public static CommandLine withErrorHandling(CommandLine commandLine) {
        return commandLine
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                    if (Boolean.getBoolean("image-anomaly.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 2;
                });
    }
}
