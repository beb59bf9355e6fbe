package dev.imageanomaly.app;

import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the streaming scorer until ctrl-C or SIGTERM.",
            "Settings: defaults < --config FILE < SCORER_* environment < --set key=value;",
            "--print-defaults lists every setting with its default and meaning.",
            "Example: serve --set model.bundle=models/mnist-conv-ae/v1 --set bootstrap.servers=broker:9092"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "properties file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one setting (repeatable)")
    Map<String, String> overrides = Map.of();

    @Option(names = "--print-defaults", description = "print every setting, its default and meaning, as a properties file, and exit")
    boolean printDefaults;

    @Override
    public Integer call() throws Exception {
        if (printDefaults) {
            System.out.print(ScorerConfig.defaultsAsProperties());
            return 0;
        }
        ScorerApp.start(ScorerConfig.load(config, System.getenv(), overrides)).runUntilShutdown();
        return 0;
    }
}
