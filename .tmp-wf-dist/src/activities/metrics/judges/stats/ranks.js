"use strict";
/**
 * Average ranks with tie bookkeeping, the building block of the rank tests.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.averageRanks = averageRanks;
/** Average ranks ("midranks"), as scipy.stats.rankdata(method='average'). NaN must be removed first. */
function averageRanks(values) {
    const n = values.length;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    order.sort((i, j) => values[i] - values[j]);
    const ranks = new Float64Array(n);
    let tieTerm = 0;
    let i = 0;
    while (i < n) {
        let j = i + 1;
        while (j < n && values[order[j]] === values[order[i]])
            j++;
        const t = j - i;
        const avg = (i + 1 + j) / 2; // mean of ranks i+1 .. j
        for (let k = i; k < j; k++)
            ranks[order[k]] = avg;
        if (t > 1)
            tieTerm += t * t * t - t;
        i = j;
    }
    return { ranks, tieTerm };
}
//# sourceMappingURL=ranks.js.map