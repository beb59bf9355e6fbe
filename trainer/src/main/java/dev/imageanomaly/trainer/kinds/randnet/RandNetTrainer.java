package dev.imageanomaly.trainer.kinds.randnet;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.Standardization;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderTrainer;
import dev.imageanomaly.trainer.kinds.autoencoder.TrainedAutoencoder;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RandNet (Chen et al. 2017, "Outlier Detection with Autoencoder Ensembles"): several autoencoders,
 * each with its own fixed random connection mask, each trained with adaptive sampling (a batch size
 * that grows over the epochs). After training, each member's reconstruction errors on the training
 * images give the mean and spread that standardize its score, so members with different error
 * scales vote on equal terms.
 */
final class RandNetTrainer {

    private final PrintStream console;
    private final Path metricsLog;

    RandNetTrainer(PrintStream console, Path metricsLog) {
        this.console = console;
        this.metricsLog = metricsLog;
    }

    TrainedRandNet fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        config.validate();
        TrainingConfig.EnsembleOptions ensemble = config.ensemble();
        long start = System.nanoTime();
        List<TrainedAutoencoder> members = new ArrayList<>();
        try {
            for (int m = 0; m < ensemble.members(); m++) {
                long memberSeed = config.seed() + 1_000L * m;
                Architecture arch = RandNetKind.member(train.spec(), config.latent(), ensemble.dropRate(), memberSeed);
                String label = String.format("member %d/%d: ", m + 1, ensemble.members());
                members.add(new AutoencoderTrainer(new EpochLoop(console, metricsLog, label), false).fit(train,
                        validation, config.withSeed(memberSeed), arch,
                        epoch -> ensemble.batchSizeAt(epoch, config.epochs(), config.batchSize())));
            }
            List<Standardization> stats = members.stream().map(member -> Standardization.of(member.errors(train))).toList();
            return new TrainedRandNet(members, stats, train.spec(), config, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            members.forEach(TrainedAutoencoder::close);
            throw e;
        }
    }
}
