package dev.imageanomaly.scoring.source;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.util.List;

/**
 * Images decoded from a source but not yet preprocessed, so an input spec can still be derived
 * from them; what a producer publishes and what training preprocesses.
 *
 * @param labels one per image, {@link #NO_LABEL} when the source gives none
 * @param classNames a folder's class sub-folders, in label order; empty for IDX files
 * @param skipped the files that could not be read, each with the reason
 */
public record LoadedImages(List<String> ids, List<DecodedImage> images, int[] labels, List<String> classNames,
        List<String> skipped) {

    public static final int NO_LABEL = -1;

    /** The spec of the first image's own size and channels: the default when the user gives none. */
    public InputSpec nativeSpec() {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no readable images");
        }
        DecodedImage first = images.get(0);
        return InputSpec.image(first.channels(), first.height(), first.width());
    }
}
