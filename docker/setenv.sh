# Sourced by Tomcat's catalina.sh (bin/setenv.sh): the JVM options of this server wherever it runs, in the Docker
# image, in scripts/run.sh and in the benchmark.
#
# The JIT's optimising compiler (C2) takes a method only after 50,000 calls instead of 5,000-15,000, and a loop
# after 400,000 turns instead of 40,000. A first indexing pass calls some 750 methods about once per version; at
# 10,000 versions C2 compiled them all while they still had thousands of calls to go, and that compiling was a
# third of the start's CPU on 2 cores. The quick compiler (C1) still compiles them at once; what runs all the
# time (hashing, the request path) still reaches C2. Measured in bench/RESULTS.md.
#
# Put first, so that the same option in JAVA_OPTS or CATALINA_OPTS overrides it.
jit="-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=20000"
jit="$jit -XX:Tier4CompileThreshold=60000 -XX:Tier4BackEdgeThreshold=400000"
JAVA_OPTS="$jit ${JAVA_OPTS:-}"
unset jit
