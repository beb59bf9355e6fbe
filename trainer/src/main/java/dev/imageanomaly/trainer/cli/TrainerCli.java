package dev.imageanomaly.trainer.cli;

import picocli.CommandLine.Command;
import java.util.List;
import picocli.CommandLine;

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
        })
public final class TrainerCli {

    /** The offline commands, in the order help lists them; the one command line of app/ offers the same. */
    public static final List<Class<?>> COMMANDS = List.of(TrainCommand.class, ScoreCommand.class,
            EvaluateCommand.class, BenchCommand.class, GenerateCommand.class, QualityBenchCommand.class,
            FindAnomaliesCommand.class);

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return withErrorHandling(withCommands(new CommandLine(new TrainerCli()))
                .addSubcommand(CommandLine.HelpCommand.class));
    }

    /** Adds the offline {@link #COMMANDS} to a command line. */
    public static CommandLine withCommands(CommandLine commandLine) {
        COMMANDS.forEach(commandLine::addSubcommand);
        return commandLine;
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
