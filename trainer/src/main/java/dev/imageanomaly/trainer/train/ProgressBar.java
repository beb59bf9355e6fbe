package dev.imageanomaly.trainer.train;

import java.io.PrintStream;

/** A one-line terminal progress bar with loss and throughput, redrawn in place. */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    public void update(int done, int samples, double loss) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) WIDTH * done / Math.max(1, total));
        double seconds = (now - start) / 1e9;
        out.printf("\r%s [%s%s] %3d%% loss %.5f %6.0f img/s", label, "=".repeat(filled), " ".repeat(WIDTH - filled),
                100L * done / Math.max(1, total), loss, samples / Math.max(seconds, 1e-9));
        out.flush();
    }

    /** Replaces the bar with a summary line; the padding wipes what the longer bar left behind. */
    public void finish(String summary) {
        String line = label + " " + summary;
        out.printf("\r%s%s%n", line, " ".repeat(Math.max(0, label.length() + WIDTH + 40 - line.length())));
        out.flush();
    }
}
