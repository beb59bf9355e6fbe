package dev.imageanomaly.schemas;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for tests that need the serdes but no registry server (a
 * topology under {@code TopologyTestDriver}, say). Ids are global and start at 1, as in the real
 * registries; the same schema under the same subject keeps its id. No compatibility checks.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private record SubjectSchema(String subject, Schema schema) {}

    private final Map<SubjectSchema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            int id = schemas.size() + 1;
            schemas.put(id, schema);
            return id;
        });
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        Integer id = ids.get(new SubjectSchema(subject, schema));
        if (id == null) {
            throw new SchemaRegistryException("schema " + schema.getFullName() + " is not registered under "
                    + subject, 404, 40403, null);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("schema id " + id + " is unknown", 404, 40403, null);
        }
        return schema;
    }
}
