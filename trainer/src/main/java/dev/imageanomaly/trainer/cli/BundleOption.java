package dev.imageanomaly.trainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --bundle DIR}, for every command that uses a model bundle. */
public final class BundleOption {

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "model bundle folder")
    Path bundle;

    public Path bundle() {
        return bundle;
    }
}
