package dev.imageanomaly.schemas;

import org.apache.avro.Schema;

/**
 * What the serdes need of a schema registry: ids for schemas and schemas for ids. The HTTP
 * {@link SchemaRegistryClient} serves it from any Confluent-API registry; tests can serve it from
 * memory.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject} (a no-op returning the existing id if it is
     * already there) and returns its global id.
     *
     * @throws SchemaRegistryException e.g. {@link SchemaRegistryException#isIncompatible()} when the
     *                                 subject's compatibility level refuses it
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} if it is registered under {@code subject}, without registering it.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} when it is not
     */
    int idOf(String subject, Schema schema);

    /**
     * The Avro schema with this global id.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} for an unknown
     *                                 id, or when the id names a schema that is not Avro
     */
    Schema schemaById(int id);
}
