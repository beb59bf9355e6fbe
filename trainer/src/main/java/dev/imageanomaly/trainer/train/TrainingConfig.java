package dev.imageanomaly.trainer.train;

import ai.djl.training.tracker.Tracker;
import java.util.List;

/**
 * Everything that decides how a model is trained; recorded in the bundle's manifest.
 *
 * @param hidden width of the dense hidden layers (deep kinds)
 * @param patience epochs without a better validation loss before training stops; 0 never stops early
 * @param noiseStd standard deviation of the Gaussian corruption for {@code denoising-ae}
 * @param memberKinds the kinds the {@code ensemble} kind trains and combines, by id
 * @param densityComponents Gaussian components of the latent-density score feature; 0 for none
 */
public record TrainingConfig(
        ModelKind kind,
        int epochs,
        int batchSize,
        float learningRate,
        LearningRateSchedule schedule,
        int latent,
        int hidden,
        int patience,
        float noiseStd,
        long seed,
        VaeOptions vae,
        EnsembleOptions ensemble,
        GanOptions gan,
        NeighbourOptions neighbours,
        ForestOptions forest,
        List<String> memberKinds,
        int densityComponents) {

    public TrainingConfig {
        memberKinds = List.copyOf(memberKinds);
    }

    /**
     * @param beta weight of the KL term once warmed up
     * @param warmupEpochs epochs over which beta rises linearly from beta / warmupEpochs to beta
     * @param samples latent samples L of the reconstruction probability, fixed in the exported graph
     */
    public record VaeOptions(float beta, int warmupEpochs, int samples) {
        public static VaeOptions defaults() {
            return new VaeOptions(1f, 5, 8);
        }

        /** The KL weight of an epoch (numbered from 1). */
        public float betaAt(int epoch) {
            return warmupEpochs <= 0 ? beta : beta * Math.min(1f, (float) epoch / warmupEpochs);
        }
    }

    /**
     * @param members autoencoders in the ensemble
     * @param dropRate share of each member's connections removed by its fixed random mask
     * @param finalBatchSize the batch size of the last epoch: it grows geometrically from the
     *     configured batch size (adaptive sampling)
     */
    public record EnsembleOptions(int members, float dropRate, int finalBatchSize) {
        public static EnsembleOptions defaults() {
            return new EnsembleOptions(7, 0.1f, 256);
        }

        /** The batch size of an epoch (numbered from 1) of {@code epochs}. */
        public int batchSizeAt(int epoch, int epochs, int firstBatchSize) {
            if (epochs <= 1 || finalBatchSize <= firstBatchSize) {
                return firstBatchSize;
            }
            double growth = Math.pow((double) finalBatchSize / firstBatchSize, (epoch - 1) / (double) (epochs - 1));
            return (int) Math.round(firstBatchSize * growth);
        }
    }

    /**
     * @param criticSteps critic updates per generator update
     * @param clip weight clipping bound of the critic (the Lipschitz constraint)
     * @param kappa weight of the critic-feature distance in the f-AnoGAN score
     * @param encoderEpochs epochs of encoder training with generator and critic frozen
     * @param learningRate of generator and critic; GANs need a far smaller one than the encoder's
     */
    public record GanOptions(int criticSteps, float clip, float kappa, int encoderEpochs, float learningRate) {
        /** The recipe measured to learn digits within minutes on two cores (WGAN's own 5 steps at 1e-4 gave noise). */
        public static GanOptions defaults() {
            return new GanOptions(2, 0.01f, 1f, 3, 5e-4f);
        }
    }

    /**
     * @param codebookSize training samples the {@code knn} kind keeps (a seeded subsample when there are more)
     * @param neighbours nearest codebook samples whose mean distance is the score
     * @param pixelExponent every pixel of an image (in [0, 1]) is raised to this power first: below 1 faint
     *     values count more against solid ones; 1 keeps the pixels
     * @param blurSigma standard deviation in pixels of the Gaussian blur applied to images (codebook and
     *     queries) before distances; 0 compares raw pixels
     * @param lengthExponent each (blurred) image is divided by its length to this power before distances:
     *     0 keeps brightness, 1 compares unit-length images (shape only); feature vectors are neither
     *     blurred nor scaled
     * @param subspaceNeighbours images also measure the distance to the flat through this many nearest codebook
     *     samples, and score by the geometric mean of both distances; 0 = the mean distance alone (always so
     *     for feature vectors)
     */
    public record NeighbourOptions(int codebookSize, int neighbours, double pixelExponent, double blurSigma,
            double lengthExponent, int subspaceNeighbours) {
        /** The image priors as chosen on held-out training images of Fashion-MNIST and MNIST (README). */
        public static NeighbourOptions defaults() {
            return new NeighbourOptions(4096, 5, 0.35, 1, 0.15, 10);
        }

        public NeighbourOptions withNeighbours(int k) {
            return new NeighbourOptions(codebookSize, k, pixelExponent, blurSigma, lengthExponent, subspaceNeighbours);
        }

        public NeighbourOptions withLengthExponent(double a) {
            return new NeighbourOptions(codebookSize, neighbours, pixelExponent, blurSigma, a, subspaceNeighbours);
        }

        public NeighbourOptions withSubspaceNeighbours(int s) {
            return new NeighbourOptions(codebookSize, neighbours, pixelExponent, blurSigma, lengthExponent, s);
        }
    }

    /**
     * @param trees isolation trees the {@code iforest} kind grows
     * @param sampleSize training samples each tree is grown on, drawn without replacement (all of them
     *     when there are fewer); trees stop at depth ceil(log2 sampleSize)
     */
    public record ForestOptions(int trees, int sampleSize) {
        /** Liu, Ting and Zhou's (2008) subsample of 256; more trees than their 100, for steadier scores. */
        public static ForestOptions defaults() {
            return new ForestOptions(200, 256);
        }
    }

    /** The defaults of a kind; the batch size is the kind's own. */
    public static TrainingConfig defaults(ModelKind kind) {
        return new TrainingConfig(kind, 10, kind.defaultBatchSize(), 1e-3f, LearningRateSchedule.COSINE, 32, 256, 3, 0.3f, 42,
                VaeOptions.defaults(), EnsembleOptions.defaults(), GanOptions.defaults(), NeighbourOptions.defaults(),
                ForestOptions.defaults(), List.of("transform", "ae"), 0);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(kind, e, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd, seed,
                vae, ensemble, gan, neighbours, forest, memberKinds, densityComponents);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(kind, epochs, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd, s,
                vae, ensemble, gan, neighbours, forest, memberKinds, densityComponents);
    }

    /** The same settings for another kind: how an ensemble trains its members. */
    public TrainingConfig withKind(ModelKind k) {
        return new TrainingConfig(k, epochs, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd, seed,
                vae, ensemble, gan, neighbours, forest, memberKinds, densityComponents);
    }

    public TrainingConfig withMemberKinds(List<String> members) {
        return new TrainingConfig(kind, epochs, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd, seed,
                vae, ensemble, gan, neighbours, forest, members, densityComponents);
    }

    public TrainingConfig withDensityComponents(int components) {
        return new TrainingConfig(kind, epochs, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd,
                seed, vae, ensemble, gan, neighbours, forest, memberKinds, components);
    }

    public Tracker learningRateTracker(int stepsPerEpoch) {
        return schedule.tracker(learningRate, stepsPerEpoch, epochs);
    }

    /** The learning rate at the end of an epoch (numbered from 1), for the log. */
    public double learningRateAfter(int epoch, int stepsPerEpoch) {
        return learningRateTracker(stepsPerEpoch).getNewValue(epoch * stepsPerEpoch);
    }

    /** Optimizer steps in an epoch over {@code samples} at the configured batch size. */
    public int stepsPerEpoch(int samples) {
        return (samples + batchSize - 1) / batchSize;
    }

    public void validate() {
        require(epochs > 0, "epochs must be positive");
        require(batchSize > 0, "batch size must be positive");
        require(learningRate > 0, "learning rate must be positive");
        require(latent > 0, "latent size must be positive");
        require(hidden > 0, "hidden size must be positive");
        require(patience >= 0, "patience must not be negative");
        require(noiseStd >= 0, "noise standard deviation must not be negative");
        require(vae.beta() >= 0, "beta must not be negative");
        require(vae.warmupEpochs() >= 0, "beta warm-up epochs must not be negative");
        require(vae.samples() > 0, "VAE samples must be positive");
        require(ensemble.members() > 0, "ensemble members must be positive");
        require(ensemble.dropRate() >= 0 && ensemble.dropRate() < 1, "drop rate must be in [0, 1)");
        require(ensemble.finalBatchSize() > 0, "final batch size must be positive");
        require(gan.criticSteps() > 0, "critic steps must be positive");
        require(gan.clip() > 0, "critic weight clip must be positive");
        require(gan.kappa() >= 0, "kappa must not be negative");
        require(gan.encoderEpochs() > 0, "encoder epochs must be positive");
        require(gan.learningRate() > 0, "GAN learning rate must be positive");
        require(neighbours.codebookSize() > 0, "codebook size must be positive");
        require(neighbours.neighbours() > 0, "neighbours must be positive");
        require(neighbours.pixelExponent() > 0 && neighbours.pixelExponent() <= 1, "pixel exponent must be in (0, 1]");
        require(neighbours.blurSigma() >= 0, "blur sigma must not be negative");
        require(neighbours.lengthExponent() >= 0 && neighbours.lengthExponent() <= 1, "length exponent must be in [0, 1]");
        require(neighbours.subspaceNeighbours() >= 0, "subspace neighbours must be 0 (off) or more");
        require(forest.trees() > 0, "trees must be positive");
        require(forest.sampleSize() > 1, "the forest's sample size must be at least 2");
        require(!memberKinds.isEmpty(), "an ensemble needs member kinds");
        require(densityComponents >= 0, "density components must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
