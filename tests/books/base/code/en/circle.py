# Areas of circles.
import math

radius = 2.0
area = math.pi * radius ** 2
print(f"area = {area:.2f}")


# A function and a call to it.
def double(x):
    return 2 * x


print(double(21))
