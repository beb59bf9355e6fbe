package dev.imageanomaly.schemas;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro (1.11.4+) only instantiates classes that its ClassSecurityValidator trusts, by default
 * java.lang types, so that a schema from outside cannot make a reader load arbitrary classes.
 * Generated classes are loaded by name too, so the serdes add a trust rule for the contract's own
 * package and for the named types of reader classes the application passes in explicitly; every
 * other class stays forbidden unless the application trusts it (system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} or {@link ClassSecurityValidator#setGlobal}).
 */
final class TrustedAvroTypes {

    /** Where the classes generated from src/main/avro live. */
    static final String CONTRACT_PACKAGE = "dev.imageanomaly.schemas.avro";

    private static final Set<String> TRUSTED_CLASS_NAMES = ConcurrentHashMap.newKeySet();

    static {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(), TrustedAvroTypes::isTrusted));
    }

    private TrustedAvroTypes() {
    }

    /** Makes sure the trust rule is installed (class initialisation does it). */
    static void install() {
    }

    /** Trusts the classes generated for {@code schema} and every record, enum and fixed type in it. */
    static void trust(Schema schema) {
        collectNamedTypes(schema, new HashSet<>());
    }

    private static boolean isTrusted(Class<?> type) {
        return CONTRACT_PACKAGE.equals(type.getPackageName()) || TRUSTED_CLASS_NAMES.contains(type.getName());
    }

    private static void collectNamedTypes(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    TRUSTED_CLASS_NAMES.add(SpecificData.getClassName(schema));
                    schema.getFields().forEach(f -> collectNamedTypes(f.schema(), seen));
                }
            }
            case ENUM, FIXED -> {
                if (seen.add(schema.getFullName())) {
                    TRUSTED_CLASS_NAMES.add(SpecificData.getClassName(schema));
                }
            }
            case ARRAY -> collectNamedTypes(schema.getElementType(), seen);
            case MAP -> collectNamedTypes(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(t -> collectNamedTypes(t, seen));
            default -> {
            }
        }
    }
}
