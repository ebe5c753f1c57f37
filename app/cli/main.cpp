#include <cstdio>
int main() { std::puts("pareto: under construction"); return 0; }
