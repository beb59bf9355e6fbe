package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.LearningRateSchedule;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig.EnsembleOptions;
import dev.imageanomaly.trainer.train.TrainingConfig.ForestOptions;
import dev.imageanomaly.trainer.train.TrainingConfig.GanOptions;
import dev.imageanomaly.trainer.train.TrainingConfig.NeighbourOptions;
import dev.imageanomaly.trainer.train.TrainingConfig.VaeOptions;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that make a {@link TrainingConfig}; shared by every command that trains. */
public final class ModelOptions {

    @Option(names = "--kind", defaultValue = "conv-ae",
            description = "ae, deep-ae, conv-ae, denoising-ae, vae, conv-vae, randnet, wgan, transform, knn, "
                    + "ensemble (default: ${DEFAULT-VALUE}); the dense kinds (ae, deep-ae, denoising-ae, vae, "
                    + "randnet, knn) also train on CSV feature vectors")
    String kind;

    @Option(names = "--epochs", defaultValue = "10", description = "most epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", description = "default: 128; randnet: 32, the first epoch's (it grows); wgan: 64")
    Integer batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    float learningRate;

    @Option(names = "--lr-schedule", defaultValue = "cosine", description = "constant, cosine, step (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--latent", defaultValue = "32", description = "code size (default: ${DEFAULT-VALUE})")
    int latent;

    @Option(names = "--hidden", defaultValue = "256", description = "hidden width of deep dense kinds (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--patience", defaultValue = "3",
            description = "stop after this many epochs without a better validation loss; 0 = never (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--noise", defaultValue = "0.3", description = "noise std for denoising-ae (default: ${DEFAULT-VALUE})")
    float noise;

    @Option(names = "--beta", defaultValue = "1.0", description = "VAE: weight of the KL term after warm-up (default: ${DEFAULT-VALUE})")
    float beta;

    @Option(names = "--beta-warmup", defaultValue = "5", paramLabel = "EPOCHS",
            description = "VAE: epochs over which beta rises from beta/EPOCHS to beta; 0 = no warm-up (default: ${DEFAULT-VALUE})")
    int betaWarmup;

    @Option(names = "--vae-samples", defaultValue = "8", paramLabel = "L",
            description = "VAE: latent samples of the reconstruction probability (default: ${DEFAULT-VALUE})")
    int vaeSamples;

    @Option(names = "--members", defaultValue = "7", description = "randnet: autoencoders in the ensemble (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--drop-rate", defaultValue = "0.1",
            description = "randnet: share of connections each member drops (default: ${DEFAULT-VALUE})")
    float dropRate;

    @Option(names = "--final-batch-size", defaultValue = "256",
            description = "randnet: batch size of the last epoch, grown from --batch-size (default: ${DEFAULT-VALUE})")
    int finalBatchSize;

    @Option(names = "--critic-steps", defaultValue = "2", description = "wgan: critic updates per generator update (default: ${DEFAULT-VALUE})")
    int criticSteps;

    @Option(names = "--clip", defaultValue = "0.01", description = "wgan: critic weight clipping (default: ${DEFAULT-VALUE})")
    float clip;

    @Option(names = "--kappa", defaultValue = "1.0",
            description = "wgan: weight of the critic-feature residual in the score (default: ${DEFAULT-VALUE})")
    float kappa;

    @Option(names = "--encoder-epochs", defaultValue = "3", description = "wgan: encoder training epochs (default: ${DEFAULT-VALUE})")
    int encoderEpochs;

    @Option(names = "--gan-lr", defaultValue = "0.0005",
            description = "wgan: learning rate of generator and critic; --lr is the encoder's (default: ${DEFAULT-VALUE})")
    float ganLearningRate;

    @Option(names = "--codebook-size", defaultValue = "4096", paramLabel = "M",
            description = "knn: training samples kept as the codebook, a seeded subsample when there are more "
                    + "(default: ${DEFAULT-VALUE})")
    int codebookSize;

    @Option(names = "--neighbours", defaultValue = "5", paramLabel = "K",
            description = "knn: nearest codebook samples whose mean distance is the score (default: ${DEFAULT-VALUE})")
    int neighbours;

    @Option(names = "--pixel-exponent", defaultValue = "0.35", paramLabel = "G",
            description = "knn: raise every pixel (in [0, 1]) to the power G first: below 1 faint strokes and texture "
                    + "count more against solid areas; 1 keeps the pixels (default: ${DEFAULT-VALUE})")
    double pixelExponent;

    @Option(names = "--blur", defaultValue = "1", paramLabel = "SIGMA",
            description = "knn: Gaussian blur (standard deviation in pixels) of images before distances; 0 = raw "
                    + "pixels (default: ${DEFAULT-VALUE})")
    double blur;

    @Option(names = "--length-exponent", defaultValue = "0.15", paramLabel = "A",
            description = "knn: divide every (blurred) image by its length to the power A before distances: 0 keeps "
                    + "brightness, 1 compares shapes only, between compresses brightness; CSV rows are never blurred "
                    + "or scaled (default: ${DEFAULT-VALUE})")
    double lengthExponent;

    @Option(names = "--subspace-neighbours", defaultValue = "10", paramLabel = "S",
            description = "knn: for images, also measure the distance to the (ridge-fitted) flat through the S nearest "
                    + "codebook images, and score by the geometric mean of both distances; 0 = the mean distance "
                    + "alone; CSV rows never (default: ${DEFAULT-VALUE})")
    int subspaceNeighbours;

    @Option(names = "--trees", defaultValue = "200", paramLabel = "T",
            description = "iforest: isolation trees grown (default: ${DEFAULT-VALUE})")
    int trees;

    @Option(names = "--tree-sample-size", defaultValue = "256", paramLabel = "S",
            description = "iforest: training samples each tree is grown on, drawn without replacement; trees stop "
                    + "at depth ceil(log2 S) (default: ${DEFAULT-VALUE})")
    int treeSampleSize;

    @Option(names = "--member-kinds", split = ",", defaultValue = "transform,ae", paramLabel = "KIND",
            description = "ensemble: the kinds trained and combined (default: ${DEFAULT-VALUE})")
    List<String> memberKinds;

    @Option(names = "--density-components", defaultValue = "0", paramLabel = "K",
            description = "add a latent-density feature: a K-component Gaussian mixture on the training codes, "
                    + "combined with the model's score; 0 = off (default: ${DEFAULT-VALUE})")
    int densityComponents;

    @Option(names = "--seed", defaultValue = "42", description = "default: ${DEFAULT-VALUE}")
    long seed;

    /** The configuration these options describe, validated. */
    public TrainingConfig config() {
        ModelKind modelKind = ModelKinds.parse(kind);
        TrainingConfig config = new TrainingConfig(modelKind, epochs,
                batchSize != null ? batchSize : TrainingConfig.defaults(modelKind).batchSize(), learningRate,
                LearningRateSchedule.parse(schedule), latent, hidden, patience, noise, seed,
                new VaeOptions(beta, betaWarmup, vaeSamples), new EnsembleOptions(members, dropRate, finalBatchSize),
                new GanOptions(criticSteps, clip, kappa, encoderEpochs, ganLearningRate),
                new NeighbourOptions(codebookSize, neighbours, pixelExponent, blur, lengthExponent, subspaceNeighbours),
                new ForestOptions(trees, treeSampleSize), memberKinds, densityComponents);
        config.validate();
        return config;
    }
}
