"""The standard library of the Python a runtime image runs, which need not be hydro's own.

hydro knows its own Python's modules (`sys.stdlib_module_names`); the runtime images run
Python 3.6 to 3.8. Between them and hydro's, the standard library gained modules (an
`import tomllib` fails on 3.7) and lost some (`distutils` is gone from 3.12, yet a 3.7
image has it). Both lists hold top-level modules, from "What's New in Python" 3.7 to 3.13,
and were read in the libraries of CPython 3.6 to 3.13 themselves.
"""

from __future__ import annotations

import sys

#: Modules the standard library gained, with the first Python that has them.
ADDED = {
    "contextvars": (3, 7),
    "dataclasses": (3, 7),
    "graphlib": (3, 9),
    "zoneinfo": (3, 9),
    "tomllib": (3, 11),
}

#: Modules it lost, with the first Python without them.
REMOVED = {
    "macurl2path": (3, 7),
    "macpath": (3, 8),
    "dummy_threading": (3, 9),
    "formatter": (3, 10),
    "parser": (3, 10),
    "symbol": (3, 10),
    "binhex": (3, 11),
    **dict.fromkeys(("asynchat", "asyncore", "distutils", "imp", "smtpd"), (3, 12)),
    **dict.fromkeys(
        ("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap",
         "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu",
         "xdrlib"),
        (3, 13),
    ),
}  # fmt: skip


def _since(python: tuple[int, int], names: str) -> dict[str, tuple[int, int]]:
    return dict.fromkeys(names.split(), python)


#: Names the standard library's modules gained (functions, classes, constants, submodules),
#: by module, with the first Python that has them: "New in version 3.x" in the library's
#: reference, read in CPython 3.6 to 3.13 themselves. Names that depend on the build
#: (OpenSSL's, the platform's) or came in a patch release are left out.
NAMES_ADDED: dict[str, dict[str, tuple[int, int]]] = {
    "abc": _since((3, 10), "update_abstractmethods"),
    "argparse": _since((3, 9), "BooleanOptionalAction"),
    "asyncio": {
        **_since((3, 7), "run create_task get_running_loop current_task all_tasks "
                         "BufferedProtocol"),
        **_since((3, 9), "to_thread"),
        **_since((3, 11), "TaskGroup Runner Barrier BrokenBarrierError Timeout timeout timeout_at"),
        **_since((3, 12), "eager_task_factory create_eager_task_factory"),
        **_since((3, 13), "EventLoop QueueShutDown"),
    },
    "base64": {
        **_since((3, 10), "b32hexencode b32hexdecode"),
        **_since((3, 13), "z85encode z85decode"),
    },
    "collections.abc": _since((3, 12), "Buffer"),
    "concurrent.futures": _since((3, 7), "BrokenExecutor"),
    "contextlib": {
        **_since((3, 7), "AbstractAsyncContextManager AsyncExitStack asynccontextmanager "
                         "nullcontext"),
        **_since((3, 10), "AsyncContextDecorator aclosing"),
        **_since((3, 11), "chdir"),
    },
    "copy": _since((3, 13), "replace"),
    "csv": _since((3, 12), "QUOTE_NOTNULL QUOTE_STRINGS"),
    "dataclasses": _since((3, 10), "KW_ONLY"),
    "datetime": _since((3, 11), "UTC"),
    "enum": {
        **_since((3, 11), "EnumCheck EnumType FlagBoundary ReprEnum StrEnum global_enum member "
                          "nonmember property show_flag_values verify CONFORM CONTINUOUS EJECT "
                          "KEEP NAMED_FLAGS STRICT UNIQUE"),
        **_since((3, 13), "EnumDict"),
    },
    "functools": {
        **_since((3, 8), "cached_property singledispatchmethod"),
        **_since((3, 9), "cache"),
    },
    "gzip": _since((3, 8), "BadGzipFile"),
    "hashlib": _since((3, 11), "file_digest"),
    "importlib": {
        **_since((3, 7), "resources"),
        **_since((3, 8), "metadata"),
        **_since((3, 10), "readers"),
        **_since((3, 11), "simple"),
    },
    "inspect": {
        **_since((3, 10), "get_annotations"),
        **_since((3, 11), "getmembers_static ismethodwrapper"),
        **_since((3, 12), "markcoroutinefunction getasyncgenstate getasyncgenlocals BufferFlags"),
    },
    "io": {**_since((3, 8), "open_code"), **_since((3, 10), "text_encoding")},
    "itertools": {**_since((3, 10), "pairwise"), **_since((3, 12), "batched")},
    "logging": {
        **_since((3, 11), "getLevelNamesMapping"),
        **_since((3, 12), "getHandlerByName getHandlerNames"),
    },
    "math": {
        **_since((3, 7), "remainder"),
        **_since((3, 8), "comb dist isqrt perm prod"),
        **_since((3, 9), "lcm nextafter ulp"),
        **_since((3, 11), "cbrt exp2"),
        **_since((3, 12), "sumprod"),
        **_since((3, 13), "fma"),
    },
    "operator": _since((3, 11), "call"),
    "pickle": _since((3, 8), "PickleBuffer"),
    "pprint": _since((3, 8), "pp"),
    "queue": {**_since((3, 7), "SimpleQueue"), **_since((3, 13), "ShutDown")},
    "random": {**_since((3, 9), "randbytes"), **_since((3, 12), "binomialvariate")},
    "re": {
        **_since((3, 7), "Match Pattern"),
        **_since((3, 11), "NOFLAG"),
        **_since((3, 13), "PatternError"),
    },
    "statistics": {
        **_since((3, 8), "NormalDist fmean geometric_mean multimode quantiles"),
        **_since((3, 10), "correlation covariance linear_regression LinearRegression"),
        **_since((3, 13), "kde kde_random"),
    },
    "threading": {
        **_since((3, 8), "excepthook get_native_id ExceptHookArgs"),
        **_since((3, 10), "getprofile gettrace"),
        **_since((3, 12), "setprofile_all_threads settrace_all_threads"),
    },
    "time": _since((3, 7), "time_ns monotonic_ns perf_counter_ns process_time_ns thread_time "
                           "thread_time_ns"),
    "types": {
        **_since((3, 7), "ClassMethodDescriptorType MethodDescriptorType MethodWrapperType "
                         "WrapperDescriptorType resolve_bases"),
        **_since((3, 8), "CellType"),
        **_since((3, 9), "GenericAlias"),
        **_since((3, 10), "EllipsisType NoneType NotImplementedType UnionType"),
        **_since((3, 12), "get_original_bases"),
    },
    "typing": {
        **_since((3, 7), "ForwardRef OrderedDict"),
        **_since((3, 8), "Final Literal Protocol SupportsIndex TypedDict final get_args "
                         "get_origin runtime_checkable"),
        **_since((3, 9), "Annotated"),
        **_since((3, 10), "Concatenate ParamSpec ParamSpecArgs ParamSpecKwargs TypeAlias "
                          "TypeGuard is_typeddict"),
        **_since((3, 11), "LiteralString Never NotRequired Required Self TypeVarTuple Unpack "
                          "assert_never assert_type clear_overloads dataclass_transform "
                          "get_overloads reveal_type"),
        **_since((3, 12), "TypeAliasType override"),
        **_since((3, 13), "NoDefault ReadOnly TypeIs get_protocol_members is_protocol"),
    },
    "uuid": _since((3, 7), "SafeUUID"),
    "zipfile": _since((3, 8), "Path"),
}  # fmt: skip


def has_module(name: str, python: tuple[int, int] | None) -> bool:
    """Whether the standard library of Python `python` has the top-level module `name`;
    of any Python hydro knows when `python` is None (an image whose Python is unknown)."""
    if python is None:
        return name in sys.stdlib_module_names or name in REMOVED
    if name in ADDED:
        return python >= ADDED[name]
    if name in REMOVED:
        return python < REMOVED[name]
    return name in sys.stdlib_module_names


def joined_in(name: str) -> tuple[int, int] | None:
    """The Python whose standard library first has `name`, when it is younger than 3.6."""
    return ADDED.get(name)
