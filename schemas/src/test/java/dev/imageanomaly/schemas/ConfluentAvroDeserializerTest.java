package dev.imageanomaly.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.schemas.avro.ImageEvent;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** What readers of a deserialized record may rely on. */
class ConfluentAvroDeserializerTest {

    /**
     * The scorer keeps an event's image array as the pixels of a raw image without copying it,
     * which is safe only while no later record is read into the same array.
     */
    @Test
    void everyRecordsImageIsAnArrayOfItsOwnOfExactlyTheImagesSize() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        byte[] bytes = new ConfluentAvroSerializer<ImageEvent>(registry, true, false)
                .serialize("images", SampleRecords.imageEvent());
        ConfluentAvroDeserializer<ImageEvent> deserializer = new ConfluentAvroDeserializer<>(registry, ImageEvent.class);

        ByteBuffer first = deserializer.deserialize("images", bytes).getImage();
        ByteBuffer second = deserializer.deserialize("images", bytes).getImage();

        assertThat(first.hasArray()).isTrue();
        assertThat(first.array()).hasSize(first.remaining()).isNotSameAs(second.array());
        assertThat(first.arrayOffset() + first.position()).isZero();
    }
}
