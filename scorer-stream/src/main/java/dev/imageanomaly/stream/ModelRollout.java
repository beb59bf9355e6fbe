package dev.imageanomaly.stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ManifestException;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ModelFolder;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model scores, and which one shadows it, kept current while the scorer runs. Configured with
 * a version folder, the scorer is pinned to it. Configured with a model folder ({@link ModelFolder}),
 * it polls the folder and follows its rollout plan, or its newest version when nothing is pinned.
 *
 * <p>A new version is loaded next to the serving one and checked (the model file's hash, the same
 * input as the serving model, a smoke batch with finite scores) before it replaces it; the
 * processor takes one {@link Serving} snapshot per micro-batch, so each batch is scored wholly by one
 * model and the swap costs no pause. A version that fails a check is refused with one log line and a
 * metric, is not tried again until its files change, and the serving model goes on. Replaced models
 * are closed a little later, once no batch can still be using them.
 */
final class ModelRollout implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRollout.class);
    /** Far longer than any micro-batch takes: a batch that began with the old model has finished by then. */
    private static final Duration RETIRE_AFTER = Duration.ofSeconds(30);

    /** What scores one micro-batch: the live model and, when one is set, its shadow (else null). */
    record Serving(ImageAnomalyDetector live, ImageAnomalyDetector shadow) {}

    /** Why a version was not taken: a short reason for the metric and the message for the log. */
    private static final class Refusal extends Exception {
        final String reason;

        Refusal(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private final ModelFolder folder;
    private final Path configuredShadow;
    private final EngineOptions engine;
    private final ScorerMetrics metrics;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-rollout");
        t.setDaemon(true);
        return t;
    });
    /** Refused versions by folder, with the fingerprint of their files when refused. */
    private final Map<Path, String> refused = new LinkedHashMap<>();
    private final Map<Path, String> refusalMessages = new LinkedHashMap<>();
    private volatile Serving serving;

    private ModelRollout(ModelFolder folder, Path configuredShadow, EngineOptions engine, ScorerMetrics metrics) {
        this.folder = folder;
        this.configuredShadow = configuredShadow;
        this.engine = engine;
        this.metrics = metrics;
    }

    /**
     * Loads the model to serve at start: the configured version, or the model folder's pinned or
     * newest acceptable version; fails with a clear message when there is none.
     */
    static ModelRollout start(Path configured, Path shadow, EngineOptions engine, Duration pollInterval,
            ScorerMetrics metrics) {
        boolean following = ModelFolder.isModelFolder(configured);
        ModelRollout rollout = new ModelRollout(following ? new ModelFolder(configured) : null, shadow, engine, metrics);
        try {
            if (following) {
                rollout.poll();
                if (rollout.serving == null) {
                    throw new IllegalArgumentException("model folder " + configured + " has no version the scorer can "
                            + "serve" + rollout.refusalMessages.values().stream().map(m -> "\n  " + m).reduce("", String::concat));
                }
            } else {
                rollout.serving = new Serving(rollout.verify(configured, null), null);
                rollout.changeShadow(shadow);
            }
        } catch (Refusal e) {
            rollout.close();
            throw new IllegalArgumentException("cannot serve model " + configured + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollout.close();
            throw e;
        }
        if (following) {
            rollout.background.scheduleWithFixedDelay(rollout::pollSafely, pollInterval.toMillis(),
                    pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        rollout.registerMetrics();
        return rollout;
    }

    Serving serving() {
        return serving;
    }

    boolean following() {
        return folder != null;
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.error("checking model folder {} failed; serving {} still", folder.directory(), describe(serving.live()), e);
        }
    }

    /** One look at the model folder: takes a new live or shadow version if the plan or a newer version asks for one. */
    synchronized void poll() {
        if (folder == null) {
            return;
        }
        ModelFolder.RolloutPlan plan;
        try {
            plan = folder.plan();
        } catch (ManifestException e) {
            refuseOnce(folder.directory().resolve(ModelFolder.PLAN_FILE), new Refusal("plan", e.getMessage()));
            return;
        }
        Optional<Path> wantedLive = plan.pinned() != null ? pinned(plan.pinned()) : newestAcceptable();
        if (wantedLive.isPresent() && (serving == null || !wantedLive.get().equals(serving.live().bundle().directory()))) {
            changeLive(wantedLive.get());
        }
        if (serving != null) {
            changeShadow(plan.shadow() != null ? folder.directory().resolve(plan.shadow()) : configuredShadow);
        }
    }

    private Optional<Path> pinned(String version) {
        Path dir = folder.directory().resolve(version);
        if (!Files.exists(dir.resolve(ModelBundle.MANIFEST_FILE))) {
            refuseOnce(dir, new Refusal("missing", "the rollout plan pins version '" + version
                    + "', which the model folder does not hold"));
            return Optional.empty();
        }
        return isRefused(dir) ? Optional.empty() : Optional.of(dir);
    }

    private Optional<Path> newestAcceptable() {
        List<ModelFolder.Version> versions = new ArrayList<>(folder.versions());
        for (int i = versions.size() - 1; i >= 0; i--) {
            ModelFolder.Version v = versions.get(i);
            if (!v.readable()) {
                refuseOnce(v.directory(), new Refusal("manifest", v.problem()));
            } else if (!isRefused(v.directory())) {
                return Optional.of(v.directory());
            }
        }
        return Optional.empty();
    }

    private void changeLive(Path dir) {
        InputSpec mustMatch = serving == null ? null : serving.live().manifest().input();
        ImageAnomalyDetector candidate;
        try {
            candidate = verify(dir, mustMatch);
        } catch (Refusal e) {
            refuseOnce(dir, e);
            return;
        }
        Serving previous = serving;
        serving = new Serving(candidate, previous == null ? null : previous.shadow());
        if (previous != null) {
            metrics.modelRollouts.inc();
            log.info("model rollout: now serving {} (was {}); every batch from now on is scored by it",
                    describe(candidate), describe(previous.live()));
            retire(previous.live());
        } else {
            log.info("serving {} from model folder {}", describe(candidate), folder.directory());
        }
    }

    private void changeShadow(Path dir) {
        ImageAnomalyDetector current = serving.shadow();
        Path currentDir = current == null ? null : current.bundle().directory();
        if (Objects.equals(dir, currentDir) || (dir != null && isRefused(dir))) {
            return;
        }
        ImageAnomalyDetector candidate = null;
        if (dir != null) {
            try {
                candidate = verify(dir, serving.live().manifest().input());
            } catch (Refusal e) {
                refuseOnce(dir, e);
                return;
            }
        }
        serving = new Serving(serving.live(), candidate);
        log.info("shadow model: {} (was {})", candidate == null ? "none" : describe(candidate),
                current == null ? "none" : describe(current));
        if (current != null) {
            retire(current);
        }
    }

    /** Loads a bundle and checks it can take the serving model's place; the detector is open only when it can. */
    private ImageAnomalyDetector verify(Path dir, InputSpec mustMatch) throws Refusal {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.load(dir);
        } catch (ManifestException e) {
            throw new Refusal(e.getMessage().contains("SHA-256") ? "hash" : "manifest", e.getMessage());
        }
        Manifest m = bundle.manifest();
        if (mustMatch != null && !m.input().equals(mustMatch)) {
            throw new Refusal("input", "its input " + m.input() + " differs from the serving model's " + mustMatch
                    + ": buffered events were prepared for that one");
        }
        ImageAnomalyDetector detector;
        try {
            detector = ImageAnomalyDetector.open(bundle, engine);
        } catch (RuntimeException e) {
            throw new Refusal("onnx", "ONNX Runtime cannot open it: " + e.getMessage());
        }
        try {
            smokeTest(detector);
            return detector;
        } catch (RuntimeException e) {
            detector.close();
            throw new Refusal("smoke", "its smoke batch failed: " + e.getMessage());
        }
    }

    /** Four plain images (black, white, grey, a gradient) must score, each with a finite score. */
    private static void smokeTest(ImageAnomalyDetector detector) {
        InputSpec in = detector.manifest().input();
        int w = in.width();
        int h = in.height();
        List<DecodedImage> images = new ArrayList<>();
        for (int level : new int[] {0, 255, 128, -1}) {
            byte[] px = new byte[w * h * in.channels()];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (level >= 0 ? level : (i * 255 / Math.max(1, px.length - 1)));
            }
            images.add(new DecodedImage(w, h, in.channels(), px));
        }
        float[] scores = detector.decisionFunction(images);
        if (scores.length != images.size()) {
            throw new IllegalStateException(scores.length + " scores for " + images.size() + " images");
        }
        for (float s : scores) {
            if (!Float.isFinite(s)) {
                throw new IllegalStateException("a score is " + s);
            }
        }
    }

    private boolean isRefused(Path dir) {
        String when = refused.get(dir);
        return when != null && when.equals(fingerprint(dir));
    }

    /** Logs and counts a refusal once per version (until its files change). */
    private void refuseOnce(Path dir, Refusal refusal) {
        if (isRefused(dir)) {
            return;
        }
        refused.put(dir, fingerprint(dir));
        refusalMessages.put(dir, dir.getFileName() + ": " + refusal.getMessage());
        metrics.modelRefusals.labelValues(refusal.reason).inc();
        log.error("refused model {}: {}; {}", dir, refusal.getMessage(), serving == null ? "nothing served yet"
                : "still serving " + describe(serving.live()));
    }

    /** When a version's files last changed: a refused version is tried again once it is fixed. */
    private static String fingerprint(Path dir) {
        StringBuilder f = new StringBuilder();
        for (String file : List.of(ModelBundle.MANIFEST_FILE, ModelBundle.MODEL_FILE)) {
            try {
                f.append(Files.getLastModifiedTime(dir.resolve(file))).append('/').append(Files.size(dir.resolve(file)));
            } catch (IOException e) {
                f.append("absent");
            }
            f.append(';');
        }
        return f.toString();
    }

    private void retire(ImageAnomalyDetector old) {
        background.schedule(old::close, RETIRE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String describe(ImageAnomalyDetector detector) {
        Manifest m = detector.manifest();
        return m.name() + " " + m.version() + " (" + m.kind() + ", threshold " + m.threshold().value() + ")";
    }

    private void registerMetrics() {
        metrics.registerModelInfo(() -> {
            Serving s = serving;
            return s.shadow() == null ? List.of(s.live()) : List.of(s.live(), s.shadow());
        });
        metrics.registerGauge("scorer_model_threshold", "The serving model's alert threshold",
                () -> serving.live().threshold());
    }

    /** What {@code /model} answers: the serving and shadow models, whether a folder is followed, and what was refused. */
    String describeJson() {
        Serving s = serving;
        ObjectNode json = ModelBundle.json().createObjectNode();
        json.set("live", modelJson(s.live()));
        json.set("shadow", s.shadow() == null ? null : modelJson(s.shadow()));
        json.put("following", folder == null ? null : folder.directory().toString());
        if (folder != null) {
            ModelFolder.RolloutPlan plan = folder.plan();
            json.put("pinned", plan.pinned());
        }
        ArrayNode refusedJson = json.putArray("refused");
        synchronized (this) {
            refusalMessages.values().forEach(refusedJson::add);
        }
        return json.toPrettyString();
    }

    private static ObjectNode modelJson(ImageAnomalyDetector detector) {
        Manifest m = detector.manifest();
        ObjectNode json = ModelBundle.json().createObjectNode();
        json.put("name", m.name()).put("version", m.version()).put("kind", m.kind())
                .put("threshold", m.threshold().value()).put("directory", detector.bundle().directory().toString())
                .put("createdAt", String.valueOf(m.createdAt()));
        return json;
    }

    @Override
    public void close() {
        background.shutdownNow();
        Serving s = serving;
        if (s != null) {
            s.live().close();
            if (s.shadow() != null) {
                s.shadow().close();
            }
        }
    }
}
