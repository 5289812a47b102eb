package org.bergenholm.render;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;

/**
 * Prints `{{ expr }}` the way Python's Jinja2 does (see {@link PythonRepr}); None only for
 * a parameter whose value is null, nothing for an undefined name. Never re-interprets
 * the printed value as template source (registration data must stay data).
 */
final class Jinja2Output implements ExpressionStrategy {
    private static final long serialVersionUID = 1L;
    private final transient java.util.Set<String> nullParameters;

    Jinja2Output(java.util.Set<String> nullParameters) {
        this.nullParameters = nullParameters;
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("\\s*[A-Za-z_][A-Za-z0-9_]*\\s*");

    @Override
    public RenderedOutputNode interpretOutput(ExpressionToken token, JinjavaInterpreter interpreter) {
        Object value = interpreter.resolveELExpression(token.getExpr(), token.getLineNumber());
        return new RenderedOutputNode(print(value, token.getExpr(), interpreter));
    }

    private String print(Object value, String expr, JinjavaInterpreter interpreter) {
        if (value == null) {
            boolean nullParameter = NAME.matcher(expr).matches()
                    && nullParameters.contains(expr.trim());
            return nullParameter ? "None" : "";
        }
        return PythonRepr.str(value);
    }
}
