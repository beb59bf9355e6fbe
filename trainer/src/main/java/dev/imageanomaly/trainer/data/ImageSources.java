package dev.imageanomaly.trainer.data;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.Preprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Loads images from wherever they are (an IDX file or a folder) into an {@link SampleSet} shaped by
 * an input spec, through the scoring module's {@link Preprocessor}: the very code the scorer runs.
 */
public final class ImageSources {

    /** Images decoded but not yet preprocessed, so an input spec can still be derived from them. */
    public record Loaded(List<String> ids, List<DecodedImage> images, int[] labels, List<String> classNames,
            List<String> skipped) {

        /** The spec of the first image's own size and channels: the default when the user gives none. */
        public InputSpec nativeSpec() {
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no readable images");
            }
            DecodedImage first = images.get(0);
            return InputSpec.image(first.channels(), first.height(), first.width());
        }

        public SampleSet preprocess(InputSpec spec) {
            Preprocessor pre = new Preprocessor(spec);
            int n = spec.sampleSize();
            float[] data = new float[images.size() * n];
            for (int i = 0; i < images.size(); i++) {
                pre.toInput(images.get(i), data, i * n);
            }
            return new SampleSet(spec, data, images.size(), ids.toArray(String[]::new), labels);
        }
    }

    private ImageSources() {}

    /**
     * @param labelsFile an IDX label file; when null, an IDX file's sibling label file is used if
     *     present, and a folder's sub-folder names are the labels
     */
    public static Loaded load(Path source, Path labelsFile) throws IOException {
        if (!Files.exists(source)) {
            throw new IOException("no such file or folder: " + source);
        }
        if (Files.isDirectory(source)) {
            return fromFolder(source);
        }
        if (IdxFiles.looksLikeIdx(source)) {
            return fromIdx(source, labelsFile != null ? labelsFile : IdxFiles.siblingLabels(source));
        }
        throw new IOException(source + " is neither a folder of images nor an IDX image file");
    }

    private static Loaded fromIdx(Path file, Path labelsFile) throws IOException {
        List<DecodedImage> images = IdxFiles.readImages(file);
        int[] labels = new int[images.size()];
        java.util.Arrays.fill(labels, SampleSet.NO_LABEL);
        if (labelsFile != null) {
            int[] read = IdxFiles.readLabels(labelsFile);
            if (read.length != images.size()) {
                throw new IOException(labelsFile + " has " + read.length + " labels for " + images.size() + " images");
            }
            labels = read;
        }
        List<String> ids = new ArrayList<>(images.size());
        String base = file.getFileName().toString();
        for (int i = 0; i < images.size(); i++) {
            ids.add(base + "#" + i);
        }
        return new Loaded(ids, images, labels, List.of(), List.of());
    }

    private static Loaded fromFolder(Path folder) throws IOException {
        ImageFolder.Result read = ImageFolder.read(folder);
        List<String> classNames = new ArrayList<>(new TreeSet<>(read.images().stream()
                .map(ImageFolder.Entry::className).filter(c -> c != null).toList()));
        int[] labels = read.images().stream()
                .mapToInt(e -> e.className() == null ? SampleSet.NO_LABEL : classNames.indexOf(e.className()))
                .toArray();
        return new Loaded(read.images().stream().map(ImageFolder.Entry::id).toList(),
                read.images().stream().map(ImageFolder.Entry::image).toList(), labels, classNames, read.skipped());
    }
}
