package org.bergenholm.render;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MethodNotFoundException;

/**
 * Every method a template calls (`x.items()`, `s.replace('a', 'b')`) passes here. Only the
 * listed methods run: the Python-style ones of Jinjava's lists, dicts and loop helpers, and
 * the plain text ones of strings, none of which reaches a class, a class loader, a file or
 * the runtime. `split` and `replace` are done here, with Python's meaning (literal
 * separators, no regular expressions to backtrack for ever) and a size check before the
 * result is built; other results are checked after, against the renderer's limits.
 */
final class SandboxResolver extends ELResolver {
    private static final Set<String> METHODS = Set.of(
            "items", "keys", "values", "get", "append", "extend", "insert", "pop", "count", "index", "copy",
            "update", "clear", "reverse", "remove", "cycle", "next", "reset",
            "replace", "split", "startsWith", "endsWith", "trim", "strip", "toLowerCase", "toUpperCase", "substring",
            "indexOf", "lastIndexOf", "contains", "isEmpty", "length", "size", "toString", "equals");

    private static final String JINJAVA_LIBRARY = "com.hubspot.jinjava.lib.";
    /** A printf width of seven digits or more: already past the output limit. */
    private static final java.util.regex.Pattern WIDTH = java.util.regex.Pattern.compile("%[-#+ 0,(]*\\d{7,}");
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("\\s*[-+]?\\d+\\s*");

    private final ELResolver delegate;
    private final long maxChars;
    private final int maxItems;

    SandboxResolver(ELResolver delegate, long maxChars, int maxItems) {
        this.delegate = delegate;
        this.maxChars = maxChars;
        this.maxItems = maxItems;
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null) {
            return delegate.invoke(context, null, method, paramTypes, params);
        }
        String name = String.valueOf(method);
        if (base.getClass().getName().startsWith(JINJAVA_LIBRARY)) {
            // Filters, tests and functions: the template language itself. Their width arguments
            // (`center(10**9)`, `'%999999999s'|format`) would build a huge value before any check.
            refuseHugeWidths(name, params);
            return checked(name, delegate.invoke(context, base, method, paramTypes, params));
        }
        if (!METHODS.contains(name)) {
            throw new MethodNotFoundException("Cannot find method '" + name + "' in " + base.getClass());
        }
        if (base instanceof String s && params != null) {
            if (name.equals("split")) {
                context.setPropertyResolved(true);
                return split(s, params);
            }
            if (name.equals("replace") && params.length == 2 && params[0] instanceof String from && params[1] instanceof String to) {
                context.setPropertyResolved(true);
                return replace(s, from, to);
            }
        }
        return checked(name, delegate.invoke(context, base, method, paramTypes, params));
    }

    private Object checked(String name, Object result) {
        if (result instanceof CharSequence c && c.length() > maxChars || result instanceof Collection<?> l && l.size() > maxItems) {
            throw new MethodNotFoundException("'" + name + "' gave a value over the render limits");
        }
        return result;
    }

    /** {@code params} of a filter or test are (value, interpreter, arguments...): the value is data, not a width. */
    private void refuseHugeWidths(String name, Object[] params) {
        for (int i = 0; params != null && i < params.length; i++) {
            if (i == 0 ? params[0] instanceof String format && WIDTH.matcher(format).find() : huge(params[i])) {
                throw new MethodNotFoundException("'" + name + "': a width over the render limits");
            }
        }
    }

    private boolean huge(Object arg) {
        if (arg instanceof Object[] args) {
            for (Object a : args) {
                if (huge(a)) {
                    return true;
                }
            }
            return false;
        }
        return arg instanceof Number n && Math.abs(n.doubleValue()) > maxChars
                || arg instanceof String text && NUMBER.matcher(text).matches() && text.trim().length() > 7;
    }

    /** Python's str.split: on runs of whitespace without an argument, else on the literal separator. */
    private static List<String> split(String s, Object[] params) {
        List<String> out = new ArrayList<>();
        if (params.length == 0 || params[0] == null) {
            for (String part : s.strip().split("\\s+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        String sep = String.valueOf(params[0]);
        if (sep.isEmpty()) {
            throw new MethodNotFoundException("split: empty separator");
        }
        int start = 0;
        for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, start)) {
            out.add(s.substring(start, at));
            start = at + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    private String replace(String s, String from, String to) {
        long count;
        if (from.isEmpty()) {
            count = s.length() + 1L;
        } else {
            count = 0;
            for (int at = s.indexOf(from); at >= 0; at = s.indexOf(from, at + from.length())) {
                count++;
            }
        }
        if (s.length() + count * (to.length() - (long) from.length()) > maxChars) {
            throw new MethodNotFoundException("'replace' would give a value over the render limits");
        }
        return s.replace(from, to);
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return delegate.getCommonPropertyType(context, base);
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return delegate.getFeatureDescriptors(context, base);
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return delegate.getType(context, base, property);
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return delegate.getValue(context, base, property);
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return delegate.isReadOnly(context, base, property);
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        delegate.setValue(context, base, property, value);
    }
}
