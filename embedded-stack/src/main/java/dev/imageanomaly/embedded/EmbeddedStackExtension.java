package dev.imageanomaly.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects one {@link EmbeddedStack} shared by every test class of the test
 * run (started on first use, closed when the run ends), so a module's integration tests pay the
 * start-up once:
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedStackExtension.class)
 * class MyTest {
 *     static EmbeddedStack stack;
 *     @BeforeAll static void stack(EmbeddedStack shared) { stack = shared; }
 * }
 * }</pre>
 *
 * Tests that kill or restart a server must start their own stack instead of using the shared one.
 */
public final class EmbeddedStackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedStackExtension.class);

    private record SharedStack(EmbeddedStack stack) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            stack.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedStack.class, key -> new SharedStack(EmbeddedStack.start()), SharedStack.class)
                .stack();
    }
}
