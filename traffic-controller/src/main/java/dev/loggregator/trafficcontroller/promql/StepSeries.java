package dev.loggregator.trafficcontroller.promql;

/** One series of an instant vector evaluated at every step: its labels and, per step, a value or none. */
final class StepSeries {
    final Labels labels;
    final double[] values;
    final boolean[] present;

    StepSeries(Labels labels, int steps) {
        this.labels = labels;
        this.values = new double[steps];
        this.present = new boolean[steps];
    }

    void set(int step, double value) {
        values[step] = value;
        present[step] = true;
    }

    boolean any() {
        for (boolean p : present) {
            if (p) {
                return true;
            }
        }
        return false;
    }
}
