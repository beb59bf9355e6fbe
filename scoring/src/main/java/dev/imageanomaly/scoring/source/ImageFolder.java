package dev.imageanomaly.scoring.source;

import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.ImageDecoder;
import dev.imageanomaly.scoring.image.ImageRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a folder of images (PNG, JPEG, BMP, GIF; any size, grey or colour), recursively, in a
 * stable (sorted) order. When the images sit in sub-folders, the top-level sub-folder name is the
 * class label (however deep the image sits below it). Files that cannot be read are reported by name and skipped; the run goes on.
 */
public final class ImageFolder {

    private static final Logger log = LoggerFactory.getLogger(ImageFolder.class);
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    /** A file larger than this is no image a folder of photos holds; it is skipped unread rather than loaded whole. */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    /** One readable image, its path relative to the folder, and its class name (null at the top level). */
    public record Entry(String id, String className, DecodedImage image) {}

    public record Result(List<Entry> images, List<String> skipped) {}

    private ImageFolder() {}

    public static Result read(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).filter(ImageFolder::hasImageExtension).sorted().toList();
        }
        List<Entry> images = new ArrayList<>(files.size());
        List<String> skipped = new ArrayList<>();
        for (Path file : files) {
            String id = folder.relativize(file).toString();
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new IOException("file is " + Files.size(file) + " bytes, over the " + MAX_FILE_BYTES
                            + "-byte limit of an image file");
                }
                DecodedImage image = ImageDecoder.decodeEncoded(Files.readAllBytes(file));
                // The class is the top-level sub-folder, so cats/indoor/x.png and dogs/indoor/y.png stay apart.
                Path relative = folder.relativize(file);
                images.add(new Entry(id, relative.getNameCount() < 2 ? null : relative.getName(0).toString(), image));
            } catch (ImageRejectedException | IOException e) {
                log.warn("skipping {}: {}", id, e.getMessage());
                skipped.add(id + ": " + e.getMessage());
            }
        }
        if (!skipped.isEmpty()) {
            log.warn("{} of {} files in {} could not be read and were skipped", skipped.size(), files.size(), folder);
        }
        return new Result(images, skipped);
    }

    private static boolean hasImageExtension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
