package org.bergenholm.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 backend with unique indexes whose keys H2 can compare cheaply, and
 * documents, ids and keys stored as BSON rather than Java-serialized ({@link StoredValue}).
 *
 * <p>The stock index maps are keyed by {@link KeyValue}, which is not {@link Comparable}, so H2
 * orders two keys by Java-serializing both, at every step of every B-tree search. Under a DHCP
 * storm that was three quarters of the embedded database's CPU (JFR over bench/dhcp/threads.sh:
 * 909 of 1228 samples), and every insert pays it twice per index. Here keys compare element by
 * element with H2's own ordering of each value. The stored bytes are unchanged; the order is
 * not, so these maps live under a new name, and a file written by the stock backend has its
 * index entries copied across when it is opened.
 */
final class EmbeddedBackend extends H2Backend {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBackend.class);
    private static final String STOCK_INDEX = "._index_";
    private static final String INDEX = "._keys_";
    /** The stock backend's map names for a collection's documents and its metadata. */
    private static final String DATA = "databases.";
    private static final String META = "meta.";

    EmbeddedBackend(String file) {
        super(file);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    /** An inner class: H2Database's constructor opens the indexes, before a field of ours is set. */
    private final class Database extends H2Database {
        Database(String name) {
            super(name, getMvStore(), getCursorRegistry());
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collection, String indexName, List<IndexKey> keys, boolean sparse) {
            MVStore store = getMvStore();
            String namespace = getFullCollectionNamespace(collection);
            MVMap<KeyValue, Object> map = store.openMap(namespace + INDEX + indexName,
                    new MVMap.Builder<KeyValue, Object>().keyType(new KeyOrder()).valueType(new StoredValue()));
            String stock = namespace + STOCK_INDEX + indexName;
            if (store.hasMap(stock)) {
                MVMap<KeyValue, Object> old = store.openMap(stock);
                log.info("moving {} entries of index {} to element-wise key order", old.size(), stock);
                map.putAll(old);
                store.removeMap(old);
            }
            return new UniqueIndex(indexName, keys, sparse, map);
        }

        /** As the stock backend opens them (same names, so drop and rename still find them), with BSON values. */
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> data = (MVMap) getMvStore().openMap(DATA + namespace,
                    new MVMap.Builder<Object, Object>().keyType(new StoredValue()).valueType(new StoredValue()));
            MVMap<String, Object> meta = getMvStore().openMap(META + namespace);
            return new H2Collection(this, collectionName, options, data, meta, getCursorRegistry());
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            getMvStore().removeMap(getFullCollectionNamespace(collection.getCollectionName()) + INDEX + indexName);
        }
    }

    private static final class UniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        UniqueIndex(String name, List<IndexKey> keys, boolean sparse, MVMap<KeyValue, Object> map) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue key) {
            return map.remove(key);
        }

        @Override
        protected boolean putKeyPosition(KeyValue key, Object position) {
            return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue key) {
            return map.get(key);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }

    /** Stored as {@link StoredValue}; ordered by each element (H2's order for values), then by length. */
    static final class KeyOrder extends BasicDataType<KeyValue> {
        private final ObjectDataType values = new ObjectDataType();
        private final StoredValue stored = new StoredValue();

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int n = Math.min(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                int c = compareValues(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        }

        private int compareValues(Object a, Object b) {
            if (a == null || b == null) {
                return a == b ? 0 : a == null ? -1 : 1;
            }
            return values.compare(a, b);
        }

        @Override
        public int getMemory(KeyValue key) {
            return values.getMemory(key);
        }

        @Override
        public void write(WriteBuffer buffer, KeyValue key) {
            stored.write(buffer, key);
        }

        @Override
        public KeyValue read(ByteBuffer buffer) {
            return (KeyValue) stored.read(buffer);
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }
}
