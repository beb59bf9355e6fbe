package dev.imageanomaly.trainer.kinds.randnet;

/** Mean and standard deviation of one member's reconstruction errors on the training images. */
record ErrorStats(double mean, double std) {

    static ErrorStats of(float[] errors) {
        double sum = 0;
        for (float e : errors) {
            sum += e;
        }
        double mean = sum / errors.length;
        double sq = 0;
        for (float e : errors) {
            sq += (e - mean) * (e - mean);
        }
        return new ErrorStats(mean, Math.max(Math.sqrt(sq / errors.length), 1e-12));
    }

    double standardize(double error) {
        return (error - mean) / std;
    }
}
