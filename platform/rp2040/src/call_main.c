/* C++ forbids calling (or naming) main, so the start-up code reaches it through C. */
int main(void);

int aiopi_call_main(void) {
  return main();
}
