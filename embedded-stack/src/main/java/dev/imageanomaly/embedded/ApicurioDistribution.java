package dev.imageanomaly.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Apicurio Registry server distribution ({@code apicurio-registry-app-<v>-all.tar.gz}: a
 * Quarkus runner jar plus {@code lib/}) and extracts it once into a cache directory.
 *
 * <p>Why this way: the archive cannot be a Maven dependency (its parent POM is missing from
 * Central), so the build downloads it with download-maven-plugin into the local Maven repository
 * and records that path in {@code embedded-stack.properties}. The local repository outlives
 * {@code mvn clean} and is shared by every module that uses this one, so a path into it is more
 * robust than one into {@code embedded-stack/target}, which is only the fallback. Extraction
 * (115 MB) happens once per version into {@code <cache>/apicurio-registry-app-<v>}, atomically, so
 * concurrent test JVMs cannot see a half-extracted tree.
 *
 * <p>Overrides (system properties): {@value #HOME_PROPERTY} names an already extracted
 * distribution; {@value #ARCHIVE_PROPERTY} names the tar.gz; {@value #CACHE_PROPERTY} the cache
 * directory (default {@code ~/.cache/image-anomaly-embedded}).
 */
final class ApicurioDistribution {

    static final String HOME_PROPERTY = "embedded.registry.home";
    static final String ARCHIVE_PROPERTY = "embedded.registry.archive";
    static final String CACHE_PROPERTY = "embedded.cache.dir";

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioDistribution.class);

    private ApicurioDistribution() {
    }

    /** The runner jar of an extracted distribution, extracting it first if needed. */
    static synchronized Path runnerJar() {
        String version = EmbeddedStackProperties.get("apicurio.version");
        String jarName = "apicurio-registry-app-" + version + "-runner.jar";
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return requireFile(Path.of(home).resolve(jarName), "(from -D" + HOME_PROPERTY + ")");
        }
        Path extracted = cacheDir().resolve("apicurio-registry-app-" + version);
        Path jar = extracted.resolve(jarName);
        if (!Files.isRegularFile(jar)) {
            extract(locateArchive(version), extracted);
        }
        return requireFile(jar, "(in the extracted distribution)");
    }

    private static Path locateArchive(String version) {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getProperty(ARCHIVE_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        candidates.add(Path.of(EmbeddedStackProperties.get("apicurio.archive")));
        String fileName = "apicurio-registry-app-" + version + "-all.tar.gz";
        String repoLocal = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        candidates.add(Path.of(repoLocal, "io", "apicurio", "apicurio-registry-app", version, fileName));
        candidates.add(Path.of(EmbeddedStackProperties.get("apicurio.archive.fallback")));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new EmbeddedStackException("Apicurio Registry distribution " + fileName + " not found; looked at "
                + candidates + ". Build the embedded-stack module with Maven (it downloads the archive into the "
                + "local repository), or pass -D" + ARCHIVE_PROPERTY + "=<path to the tar.gz>.");
    }

    private static void extract(Path archive, Path target) {
        LOG.info("extracting {} into {} (once per version)", archive, target);
        Path staging;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target.getParent(), e);
        }
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new GzipCompressorInputStream(new BufferedInputStream(file, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // another JVM finished extracting first; its copy is as good as ours
            ChildJvm.deleteRecursively(staging);
        } catch (AtomicMoveNotSupportedException e) {
            ChildJvm.deleteRecursively(staging);
            throw new EmbeddedStackException("cannot move the extracted registry into " + target, e);
        } catch (IOException e) {
            ChildJvm.deleteRecursively(staging);
            throw new EmbeddedStackException("cannot extract " + archive + " into " + target, e);
        }
    }

    private static Path cacheDir() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "image-anomaly-embedded");
    }

    private static Path requireFile(Path file, String origin) {
        if (!Files.isRegularFile(file)) {
            throw new EmbeddedStackException("Apicurio Registry runner jar not found: " + file + " " + origin);
        }
        return file;
    }
}
