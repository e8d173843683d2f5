package org.slimgrad.cuda;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/**
 * The device copies of the sparse supports a backend has seen, uploaded once each: CSR (row pointers, columns, the
 * row of each position) and its transpose (column pointers, rows, and the CSR position of each entry, so the values
 * stay in CSR order). Looked up by identity; an entry goes, and its device blocks return to the pool, once its
 * {@link FixedSupport} is unreachable. A model has a few supports per layer, so a list is the right size.
 */
final class DeviceSupports {

    /** One support on the device; every array is int32, held in a 1×length float matrix of the same bytes. */
    record OnDevice(Matrix rowPointers, Matrix columns, Matrix rowOf, Matrix columnPointers, Matrix rowsByColumn,
                    Matrix positionByColumn) {
    }

    private final CudaContext context;
    private final List<WeakReference<FixedSupport>> keys = new ArrayList<>();
    private final List<OnDevice> values = new ArrayList<>();

    DeviceSupports(CudaContext context) {
        this.context = context;
    }

    synchronized OnDevice get(FixedSupport support) {
        Iterator<WeakReference<FixedSupport>> k = keys.iterator();
        Iterator<OnDevice> v = values.iterator();
        while (k.hasNext()) {
            FixedSupport key = k.next().get();
            OnDevice value = v.next();
            if (key == support) {
                return value;
            }
            if (key == null) {
                k.remove();
                v.remove();
            }
        }
        OnDevice uploaded = upload(support);
        keys.add(new WeakReference<>(support));
        values.add(uploaded);
        return uploaded;
    }

    private OnDevice upload(FixedSupport s) {
        int m = s.rows();
        int n = s.cols();
        int nnz = s.nnz();
        int[] rowPointers = new int[m + 1];
        int[] columns = new int[nnz];
        int[] rowOf = new int[nnz];
        int[] columnPointers = new int[n + 1];
        for (int i = 0; i < m; i++) {
            rowPointers[i + 1] = s.rowEnd(i);
            for (int p = s.rowStart(i); p < s.rowEnd(i); p++) {
                columns[p] = s.column(p);
                rowOf[p] = i;
                columnPointers[s.column(p) + 1]++;
            }
        }
        for (int j = 0; j < n; j++) {
            columnPointers[j + 1] += columnPointers[j];
        }
        int[] rowsByColumn = new int[nnz];
        int[] positionByColumn = new int[nnz];
        int[] next = java.util.Arrays.copyOf(columnPointers, n);
        for (int p = 0; p < nnz; p++) { // CSR order visits rows ascending, so each column's rows come out sorted
            int at = next[columns[p]]++;
            rowsByColumn[at] = rowOf[p];
            positionByColumn[at] = p;
        }
        return new OnDevice(context.fromHost(rowPointers), context.fromHost(columns), context.fromHost(rowOf),
                context.fromHost(columnPointers), context.fromHost(rowsByColumn), context.fromHost(positionByColumn));
    }
}
