extension Duration {
    /// `m` minutes: `.minutes(2)` reads better than `.seconds(120)` in a test plan.
    public static func minutes(_ m: Int) -> Duration { .seconds(m * 60) }

    /// `h` hours, for soak tests.
    public static func hours(_ h: Int) -> Duration { .seconds(h * 3600) }
}
