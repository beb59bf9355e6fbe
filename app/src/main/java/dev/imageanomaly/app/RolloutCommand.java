package dev.imageanomaly.app;

import dev.imageanomaly.scoring.bundle.ManifestException;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ModelFolder;
import dev.imageanomaly.scoring.bundle.ModelFolder.RolloutPlan;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rollout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Change which version of a model the scorers serve, without restarting them: writes the",
            "model folder's rollout plan, which every scorer following the folder picks up at its next poll.",
            "Examples: rollout --model runs/models/mnist --version v2   (pin; also how to roll back)",
            "          rollout --model runs/models/mnist --shadow v3    (score v3 beside the live one)",
            "          rollout --model runs/models/mnist --promote      (the shadow becomes the live model)"})
final class RolloutCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "the model folder <root>/<name>")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Change change;

    static final class Change {
        @Option(names = "--version", paramLabel = "V", description = "pin this version (roll out, or back)")
        String version;

        @Option(names = "--follow-newest", description = "unpin: serve the newest version")
        boolean followNewest;

        @Option(names = "--shadow", paramLabel = "V", description = "score this version beside the live one")
        String shadow;

        @Option(names = "--no-shadow", description = "stop shadow scoring")
        boolean noShadow;

        @Option(names = "--promote", description = "pin the shadow version and stop shadowing")
        boolean promote;
    }

    @Override
    public Integer call() {
        ModelFolder folder = new ModelFolder(model);
        RolloutPlan plan = folder.plan();
        RolloutPlan next;
        if (change.version != null) {
            next = new RolloutPlan(checked(folder, change.version), plan.shadow());
        } else if (change.followNewest) {
            next = new RolloutPlan(null, plan.shadow());
        } else if (change.shadow != null) {
            next = new RolloutPlan(plan.pinned(), checked(folder, change.shadow));
        } else if (change.noShadow) {
            next = new RolloutPlan(plan.pinned(), null);
        } else {
            if (plan.shadow() == null) {
                throw new IllegalArgumentException("nothing to promote: the plan of " + model + " sets no shadow");
            }
            next = new RolloutPlan(plan.shadow(), null);
        }
        folder.writePlan(next);
        System.out.printf("%s: live %s, shadow %s (scorers following the folder take it at their next poll)%n", model,
                next.pinned() == null ? "= the newest version" : next.pinned(), next.shadow() == null ? "none" : next.shadow());
        return 0;
    }

    /** The version exists and its bundle loads (its model file matches its hash): a typo or a broken copy fails here, not in the scorers. */
    private static String checked(ModelFolder folder, String version) {
        ModelFolder.Version v = folder.version(version).orElseThrow(() -> new IllegalArgumentException(
                "model folder " + folder.directory() + " has no version '" + version + "'"));
        try {
            ModelBundle.load(v.directory());
        } catch (ManifestException e) {
            throw new IllegalArgumentException("version '" + version + "' would be refused by the scorers: " + e.getMessage(), e);
        }
        return version;
    }
}
