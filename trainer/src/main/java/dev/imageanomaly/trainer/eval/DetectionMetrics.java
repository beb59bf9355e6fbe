package dev.imageanomaly.trainer.eval;

import dev.imageanomaly.scoring.bundle.Threshold;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Detection quality of scores against ground truth (label 1 = anomalous, 0 = normal): ranking
 * quality (AUROC, AUPRC) and the confusion at a threshold.
 */
public record DetectionMetrics(int normals, int anomalies, double auroc, double auprc, double threshold,
        long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

    public static DetectionMetrics of(float[] scores, int[] labels, double threshold) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        int anomalies = (int) Arrays.stream(labels).filter(l -> l == 1).count();
        int normals = labels.length - anomalies;
        if (anomalies == 0 || normals == 0) {
            throw new IllegalArgumentException("metrics need both normal and anomalous examples, got " + normals
                    + " normal and " + anomalies + " anomalous");
        }
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Threshold.isAnomalous(scores[i], threshold)) {
                if (labels[i] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        return new DetectionMetrics(normals, anomalies, auroc(scores, labels), averagePrecision(scores, labels),
                threshold, tp, fp, normals - fp, anomalies - tp);
    }

    /** Mann-Whitney U with average ranks for ties: the probability a random anomaly outscores a random normal. */
    public static double auroc(float[] scores, int[] labels) {
        requireNumbers(scores);
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Area under the precision-recall curve as average precision (step-wise, highest scores first).
     * Tied scores are one threshold, as in scikit-learn, so the result does not depend on input order.
     */
    public static double averagePrecision(float[] scores, int[] labels) {
        requireNumbers(scores);
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        double ap = 0;
        long tp = 0;
        int k = 0;
        while (k < order.length) {
            int end = k;
            long tiedPositives = 0;
            while (end < order.length && scores[order[end]] == scores[order[k]]) {
                tiedPositives += labels[order[end]] == 1 ? 1 : 0;
                end++;
            }
            tp += tiedPositives;
            ap += tiedPositives * ((double) tp / end);
            k = end;
        }
        return ap / positives;
    }

    /** A score that is not a number has no rank: the model that gave it is broken, and no metric should hide that. */
    private static void requireNumbers(float[] scores) {
        long notNumbers = IntStream.range(0, scores.length).filter(i -> Float.isNaN(scores[i])).count();
        if (notNumbers > 0) {
            throw new IllegalArgumentException(notNumbers + " of " + scores.length + " scores are not a number (NaN)");
        }
    }

    public double precision() {
        return truePositives + falsePositives == 0 ? 0 : (double) truePositives / (truePositives + falsePositives);
    }

    public double recall() {
        return (double) truePositives / anomalies;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double falsePositiveRate() {
        return (double) falsePositives / normals;
    }

    public String summary() {
        return String.format("AUROC %.4f  AUPRC %.4f  at threshold %.6g: precision %.4f recall %.4f F1 %.4f FPR %.4f"
                        + "%n  confusion: TP %d  FP %d  TN %d  FN %d  (%d normal, %d anomalous)",
                auroc, auprc, threshold, precision(), recall(), f1(), falsePositiveRate(), truePositives,
                falsePositives, trueNegatives, falseNegatives, normals, anomalies);
    }
}
