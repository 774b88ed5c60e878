// SDL2's API for the window commands. libSDL2 is loaded when a window is first opened
// (SDLLoader.c), not linked: `render`, `bench` and `info` never map SDL and the dozens of
// libraries it pulls in (X11, Wayland, ALSA, PulseAudio: about 8 MB of resident memory).
#include <SDL2/SDL.h>

/// Whether libSDL2 could be loaded; if not, SDL_GetError() says why.
int duralava_sdl_available(void);
