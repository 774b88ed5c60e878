// The SDL2 functions duralava calls, each forwarding to libSDL2-2.0.so.0 opened with dlopen on
// first use. Where the library is missing, SDL_Init fails and SDL_GetError says why, so the
// command reports it in its usual one-line error.
#include "CSDL2.h"
#include <dlfcn.h>
#include <stdio.h>

static void *library;
static int tried;
static char failure[512] = "SDL2 not loaded";

static int load(void) {
    if (!tried) {
        tried = 1;
        library = dlopen("libSDL2-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!library) snprintf(failure, sizeof failure, "cannot load libSDL2 (%s); install libsdl2-2.0-0", dlerror());
    }
    return library != NULL;
}

int duralava_sdl_available(void) { return load(); }

static void *symbol(const char *name) {
    void *f = load() ? dlsym(library, name) : NULL;
    if (!f && library) snprintf(failure, sizeof failure, "libSDL2 has no %s", name);
    return f;
}

// R: returns a value (`fallback` without the library); V: returns nothing.
#define R(type, name, params, args, fallback) \
    type name params { \
        static type (*f) params; \
        if (!f) f = (type (*) params)symbol(#name); \
        return f ? f args : fallback; \
    }
#define V(name, params, args) \
    void name params { \
        static void (*f) params; \
        if (!f) f = (void (*) params)symbol(#name); \
        if (f) f args; \
    }

R(int, SDL_Init, (Uint32 flags), (flags), -1)
V(SDL_Quit, (void), ())
R(SDL_bool, SDL_SetHint, (const char *name, const char *value), (name, value), SDL_FALSE)
R(const char *, SDL_GetCurrentVideoDriver, (void), (), NULL)
R(int, SDL_GetCurrentDisplayMode, (int index, SDL_DisplayMode *mode), (index, mode), -1)
R(SDL_Window *, SDL_CreateWindow, (const char *title, int x, int y, int w, int h, Uint32 flags), (title, x, y, w, h, flags), NULL)
R(SDL_Renderer *, SDL_CreateRenderer, (SDL_Window *window, int index, Uint32 flags), (window, index, flags), NULL)
R(SDL_Texture *, SDL_CreateTexture, (SDL_Renderer *renderer, Uint32 format, int access, int w, int h), (renderer, format, access, w, h), NULL)
R(int, SDL_ShowCursor, (int toggle), (toggle), -1)
R(int, SDL_PollEvent, (SDL_Event *event), (event), 0)
R(int, SDL_SetWindowFullscreen, (SDL_Window *window, Uint32 flags), (window, flags), -1)
R(int, SDL_UpdateTexture, (SDL_Texture *texture, const SDL_Rect *rect, const void *pixels, int pitch), (texture, rect, pixels, pitch), -1)
R(int, SDL_GetRendererOutputSize, (SDL_Renderer *renderer, int *w, int *h), (renderer, w, h), -1)
R(int, SDL_SetRenderDrawColor, (SDL_Renderer *renderer, Uint8 r, Uint8 g, Uint8 b, Uint8 a), (renderer, r, g, b, a), -1)
R(int, SDL_RenderClear, (SDL_Renderer *renderer), (renderer), -1)
R(int, SDL_RenderCopy, (SDL_Renderer *renderer, SDL_Texture *texture, const SDL_Rect *src, const SDL_Rect *dst), (renderer, texture, src, dst), -1)
V(SDL_RenderPresent, (SDL_Renderer *renderer), (renderer))
V(SDL_DestroyTexture, (SDL_Texture *texture), (texture))
V(SDL_DestroyRenderer, (SDL_Renderer *renderer), (renderer))
V(SDL_DestroyWindow, (SDL_Window *window), (window))

const char *SDL_GetError(void) {
    static const char *(*f)(void);
    if (!f && library) f = (const char *(*)(void))dlsym(library, "SDL_GetError");
    return f ? f() : failure;
}
