package dev.imageanomaly.trainer.kinds.wgan;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.DjlBlocks;
import dev.imageanomaly.trainer.train.MiniBatch;

/**
 * The three networks of f-AnoGAN, each in its own DJL model so that each gets its own trainer and
 * optimizer: the generator G (code to image), the critic (image to features f to score) and the
 * encoder E (image to code). Also computes the anomaly score's terms, the one definition that
 * encoder training, the bundle's reference outputs and the exported graph follow.
 */
final class WganNetworks implements AutoCloseable {

    /** Per sample: the code E(x), the reconstruction G(E(x)) and the two residuals. */
    record Residuals(NDArray latent, NDArray reconstruction, NDArray residual, NDArray featureResidual) {

        /** f-AnoGAN's score: image residual plus kappa times feature residual, per sample. */
        NDArray score(float kappa) {
            return residual.add(featureResidual.mul(kappa));
        }
    }

    final Architecture architecture;
    final Critic criticArchitecture;
    final Model generator;
    final Model critic;
    final Model encoder;

    WganNetworks(String name, Architecture architecture, Critic criticArchitecture) {
        this.architecture = architecture;
        this.criticArchitecture = criticArchitecture;
        this.generator = model(name + "-generator", DjlBlocks.sequence(architecture.decoder()));
        this.critic = model(name + "-critic", criticArchitecture.block());
        this.encoder = model(name + "-encoder", DjlBlocks.sequence(architecture.encoder()));
    }

    private static Model model(String name, Block block) {
        Model model = Model.newInstance(name);
        model.setBlock(block);
        return model;
    }

    SequentialBlock generatorBlock() {
        return (SequentialBlock) generator.getBlock();
    }

    SequentialBlock encoderBlock() {
        return (SequentialBlock) encoder.getBlock();
    }

    SequentialBlock criticFeatures() {
        return (SequentialBlock) critic.getBlock().getChildren().get(0).getValue();
    }

    NDArray generate(ParameterStore ps, NDArray codes, boolean training) {
        return generator.getBlock().forward(ps, new NDList(codes), training).singletonOrThrow();
    }

    /** The critic's score of each image, {@code [N, 1]}. */
    NDArray criticScore(ParameterStore ps, NDArray images, boolean training) {
        return critic.getBlock().forward(ps, new NDList(images), training).singletonOrThrow();
    }

    NDArray encode(ParameterStore ps, NDArray x, boolean training) {
        return encoder.getBlock().forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * G and the critic's features applied to images x and their codes E(x); gradients flow into
     * whichever networks are not frozen.
     */
    Residuals residuals(ParameterStore ps, NDArray x, NDArray latent, boolean training) {
        NDArray recon = generate(ps, latent, training);
        NDArray fx = features(ps, x, training);
        NDArray fr = features(ps, recon, training);
        return new Residuals(latent, recon, MiniBatch.perSampleMean(x.sub(recon).square()),
                MiniBatch.perSampleMean(fx.sub(fr).square()));
    }

    private NDArray features(ParameterStore ps, NDArray images, boolean training) {
        return criticFeatures().forward(ps, new NDList(images), training).singletonOrThrow();
    }

    @Override
    public void close() {
        generator.close();
        critic.close();
        encoder.close();
    }
}
