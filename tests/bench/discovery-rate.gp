# tests/bench/discovery-rate.gp — the plot of docs/architecture.md ("Discovery rate control")
#
#   gnuplot -e "data='PREFIX'; out='FILE.png'; limit=20; title='…'" tests/bench/discovery-rate.gp
#
# PREFIX.bins, PREFIX.rate and PREFIX.events as written by tests/bench/discovery-rate.py.

set terminal pngcairo size 1000,520 font "DejaVu Sans,11" noenhanced
set output out
set title title
set xlabel "time since the listing started (s)"
set ylabel "requests/s"
set key top right box opaque
set grid ytics lc rgb "#dddddd"
set yrange [0:limit * 2]
set xrange [0:*]
set autoscale xfixmax
set style fill solid 0.6 noborder
set boxwidth 0.45

plot data . ".bins" using 1:2 with boxes lc rgb "#9ec5e8" title "accepted by the server (per 0.5 s)", \
     data . ".bins" using 1:3 with boxes lc rgb "#d62728" title "throttled replies (per 0.5 s)", \
     data . ".rate" using 1:2 with steps lw 2 lc rgb "#1f3b73" title "client pacing rate", \
     data . ".events" using 1:2 with points pt 7 ps 1 lc rgb "#d62728" title "congestion events", \
     limit with lines dt 2 lw 1.5 lc rgb "#555555" title sprintf("server limit (%g/s)", limit)
